// Claimdesk discussion (issue 14): a claim's comment thread with replies, edit,
// retract and a form, for the workspace's claim panel and the review queue.
//
// workspace.js hands in its `api` and `el` helpers, so requests and the page's
// CSRF token are handled in one place. Comment bodies are user text: they reach
// the page through textContent only (el() makes text nodes), never as markup.

// onCount(n): the thread's comments (not retracted) were counted; onChange(): a comment
// was posted, edited or retracted (the claim's history has a new entry).
export function commentThread({ claimId, api, el, say, user, canComment, onCount = () => {}, onChange = () => {} }) {
  const list = el("ol", { class: "cd-comments", "aria-label": "Comments" }, el("li", {}, "Loading comments…"));
  const message = el("p", { class: "cd-error", role: "alert" });
  const body = el("textarea", { name: "comment", rows: 2, "aria-label": "Comment", placeholder: "Comment; @username tells a member" });
  const replying = el("p", { class: "cd-hint", hidden: true });
  let parent = null;
  let comments = [];

  const replyTo = (comment) => {
    parent = comment ? comment.id : null;
    replying.hidden = !comment;
    replying.replaceChildren(...(comment ? [`Replying to ${comment.author || "(removed user)"} `,
      el("button", { type: "button", class: "button cd-link", onclick: () => replyTo(null) }, "cancel")] : []));
    if (comment) body.focus();
  };

  // Replies under their parent, at any depth; a reply whose parent is missing opens a thread.
  const ordered = () => {
    const known = new Set(comments.map((c) => c.id));
    const children = new Map();
    for (const comment of comments) {
      const key = known.has(comment.parent) ? comment.parent : null;
      if (!children.has(key)) children.set(key, []);
      children.get(key).push(comment);
    }
    const out = [];
    const walk = (key, depth) => {
      for (const comment of children.get(key) || []) {
        out.push([comment, depth]);
        walk(comment.id, depth + 1);
      }
    };
    walk(null, 0);
    return out;
  };

  const item = (comment, depth) => {
    const text = el("p", { class: "cd-comment-body" }, comment.retracted ? "(retracted)" : comment.body);
    const own = comment.author === user && !comment.retracted;
    const actions = el("span", { class: "cd-comment-actions" },
      canComment ? el("button", { type: "button", class: "button cd-link", onclick: () => replyTo(comment) }, "Reply") : null,
      own ? el("button", { type: "button", class: "button cd-link", onclick: () => edit(comment, node) }, "Edit") : null,
      own ? el("button", { type: "button", class: "button cd-link", onclick: () => retract(comment) }, "Retract") : null);
    const node = el("li", { class: `cd-comment depth-${Math.min(depth, 4)}${comment.retracted ? " retracted" : ""}`, dataset: { comment: comment.id } },
      el("p", { class: "cd-meta" }, el("strong", {}, comment.author || "(removed user)"), " · ",
        el("time", { datetime: comment.created_at }, new Date(comment.created_at).toLocaleString()),
        comment.edited_at && !comment.retracted ? " · edited" : "", " ", actions),
      text);
    return node;
  };

  const render = () => {
    const shown = comments.filter((c) => !c.retracted).length;
    onCount(shown);
    list.replaceChildren(...(comments.length ? ordered().map(([c, depth]) => item(c, depth)) : [el("li", { class: "cd-hint" }, "No comments yet.")]));
  };

  const load = async () => {
    try {
      comments = [];
      let next = `comments/?claim=${encodeURIComponent(claimId)}&page_size=1000`;
      while (next) {
        const { data } = await api(next);
        comments.push(...data.results);
        next = data.next ? data.next.slice(data.next.indexOf("/api/v1/") + "/api/v1/".length) : null;
      }
      render();
    } catch (failure) {
      list.replaceChildren(el("li", {}, failure.message));
    }
  };

  const edit = (comment, node) => {
    const area = el("textarea", { name: "edit", rows: 2, "aria-label": "Edit comment" });
    area.value = comment.body;
    const save = el("button", { type: "button", class: "button" }, "Save");
    save.addEventListener("click", async () => {
      try {
        await api(`comments/${comment.id}/`, { method: "PATCH", body: { body: area.value, version: comment.version } });
        say("Comment edited.");
        await load();
        onChange();
      } catch (failure) {
        message.textContent = failure.message;
      }
    });
    node.replaceChildren(area, el("div", { class: "cd-actions" }, save,
      el("button", { type: "button", class: "button", onclick: render }, "Cancel")));
    area.focus();
  };

  const retract = async (comment) => {
    try {
      await api(`comments/${comment.id}/retract/`, { method: "POST", body: { version: comment.version } });
      say("Comment retracted; the claim's history keeps what it said.");
      await load();
      onChange();
    } catch (failure) {
      message.textContent = failure.message;
    }
  };

  const form = el("form", { class: "cd-form cd-comment-form" }, replying, body,
    el("div", { class: "cd-actions" }, el("button", { type: "submit", class: "button" }, "Comment")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    message.textContent = "";
    try {
      await api("comments/", { method: "POST", body: { claim: claimId, parent, body: body.value } });
      body.value = "";
      replyTo(null);
      say("Comment posted.");
      await load();
      onChange();
    } catch (failure) {
      message.textContent = failure.message;
    }
  });

  load();
  return el("section", { class: "cd-discussion", "aria-label": "Discussion" },
    el("h3", {}, "Discussion"), list, message, canComment ? form : el("p", { class: "cd-hint" }, "Viewers may not comment in this project."));
}

// {claim id: comment count} for a page of claims, in one request.
export async function commentCounts(api, claimIds) {
  if (!claimIds.length) return {};
  const params = new URLSearchParams();
  for (const id of claimIds) params.append("claim", id);
  const { data } = await api(`comments/counts/?${params}`);
  return data.counts;
}
