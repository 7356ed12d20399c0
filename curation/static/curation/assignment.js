// The workspace's assignment control (issue 14): the annotator starts the document
// they were given and marks it done, through /api/v1/assignments/{id}/start|done/.
// A module of its own beside workspace.js: it only needs the page's config.

const config = JSON.parse(document.getElementById("workspace-config").textContent);
const box = document.getElementById("assignment-box");
const MOVES = { start: "Start", done: "Mark done" };

function tell(message) {
  const line = document.getElementById("status-line");
  if (line) line.textContent = message;
}

async function move(assignment, name) {
  const response = await fetch(`${config.api}assignments/${assignment.id}/${name}/`, {
    method: "POST",
    credentials: "same-origin",
    headers: {
      Accept: "application/json",
      "Content-Type": "application/json",
      "X-CSRFToken": document.querySelector("[name=csrfmiddlewaretoken]").value,
    },
    body: JSON.stringify({ version: assignment.version }),
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error((data && data.detail) || `HTTP ${response.status}`);
  return {
    id: data.id,
    state: data.state,
    label: { assigned: "Not started", in_progress: "In progress", done: "Done" }[data.state],
    version: data.version,
    moves: data.moves.filter((m) => m !== "reopen"),
    myWorkUrl: assignment.myWorkUrl,
  };
}

function render(assignment) {
  const state = document.createElement("span");
  state.className = `cd-state cd-state-${assignment.state}`;
  state.id = "assignment-state";
  state.textContent = assignment.label;
  const label = document.createElement("a");
  label.href = assignment.myWorkUrl;
  label.textContent = "Your assignment:";
  const parts = [label, state];
  for (const name of assignment.moves) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.id = `assignment-${name}`;
    button.textContent = MOVES[name];
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        const moved = await move(assignment, name);
        render(moved);
        tell(`Assignment: ${moved.label.toLowerCase()}.`);
        document.getElementById("assignment-state").focus?.();
      } catch (failure) {
        button.disabled = false;
        tell(failure.message);
      }
    });
    parts.push(button);
  }
  box.replaceChildren(...parts);
  box.hidden = false;
}

if (box && config.assignment) render(config.assignment);
