// Claimdesk adjudication queue: keys move between claims and fill the ruling.
// The forms post normally (CSRF token in each); this module only adds keys.
// j/k next/previous, 1–6 credibility, n note; Enter in the note submits the form.

const items = () => [...document.querySelectorAll("#queue .cd-queue-item")];

function focus(index) {
  const all = items();
  if (!all.length) return;
  const target = all[Math.max(0, Math.min(index, all.length - 1))];
  for (const item of all) item.classList.toggle("current", item === target);
  target.focus();
  target.scrollIntoView({ block: "nearest" });
}

function current() {
  const all = items();
  const active = document.activeElement && document.activeElement.closest(".cd-queue-item");
  return active ? all.indexOf(active) : all.findIndex((item) => item.classList.contains("current"));
}

document.addEventListener("keydown", (event) => {
  if (event.target.closest("input, textarea, select") || event.ctrlKey || event.metaKey || event.altKey) return;
  const all = items();
  const index = current();
  const item = all[index];
  if (event.key === "j") focus(index + 1);
  else if (event.key === "k") focus(index - 1);
  else if (/^[1-6]$/.test(event.key) && item) {
    const select = item.querySelector("select[name$='credibility']");
    select.value = event.key;
    select.dispatchEvent(new Event("change", { bubbles: true }));
  } else if (event.key === "n" && item) item.querySelector("input[name$='note']").focus();
  else return;
  event.preventDefault();
});

focus(Math.max(0, items().findIndex((item) => item.querySelector(".errorlist"))));
