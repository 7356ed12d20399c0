// The Add release page (issue 19 item 10): its topic and document pickers offer only
// the chosen project's. Django's autocomplete widget sends no form values, so every
// lookup from this page carries the selected project; the Topic and Document admins
// narrow their (already visible_to) answers to it.
"use strict";
{
  const $ = django.jQuery;
  const project = () => document.getElementById("id_project");

  $.ajaxPrefilter((options) => {
    const chosen = project() && project().value;
    if (!chosen || !options.url.includes("/autocomplete/")) return;
    const extra = `project=${encodeURIComponent(chosen)}`;
    options.data = options.data ? `${options.data}&${extra}` : extra;
  });

  // Another project's topics and documents would be refused on save: drop them when
  // the project really changes (the admin's related-widget script fires "change" on
  // every page load, which must keep what a preview sent back).
  $(() => {
    let shown = project() && project().value;
    $(project()).on("change", () => {
      if (project().value === shown) return;
      shown = project().value;
      $("#id_topics, #id_documents").val(null).trigger("change");
    });
  });
}
