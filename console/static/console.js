// The console's only script (no build step, nothing from a CDN): the live queue (server-sent
// events), the policy check while an agent types, and keyboard shortcuts.
"use strict";

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

// The queue's rows are replaced whenever the server says the queue changed.
function liveQueue() {
  const rows = document.querySelector("[data-live]");
  if (!rows || !window.EventSource) return;
  const source = new EventSource(rows.dataset.live);
  source.addEventListener("queue", (event) => {
    rows.innerHTML = event.data;  // server-rendered, escaped by the template
    document.body.dataset.queueUpdates = String(Number(document.body.dataset.queueUpdates || 0) + 1);
  });
  source.addEventListener("open", () => { document.body.dataset.queueLive = "1"; });
}

// The policy check runs as the agent types; the server blocks a violating send anyway.
function policyCheck() {
  const form = document.getElementById("edit-form");
  if (!form) return;
  const text = form.querySelector("textarea");
  const list = document.getElementById("policy-reasons");
  const button = form.querySelector("button[type=submit]");
  let timer = null;
  let asked = 0;
  const check = async () => {
    const mine = ++asked;
    const body = new URLSearchParams({ text: text.value, csrf: csrfToken() });
    let result;
    try {
      const response = await fetch(form.dataset.check, { method: "POST", body, headers: { "X-CSRF-Token": csrfToken() } });
      if (!response.ok) return;
      result = await response.json();
    } catch (err) {
      return;
    }
    if (mine !== asked) return;  // an older answer arriving late
    list.replaceChildren(...result.reasons.map((reason) => {
      const li = document.createElement("li");
      li.textContent = reason;
      return li;
    }));
    form.dataset.policy = result.ok ? "ok" : "blocked";
    button.disabled = !result.ok;
  };
  text.addEventListener("input", () => {
    clearTimeout(timer);
    form.dataset.policy = "checking";
    timer = setTimeout(check, 250);
  });
  text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !button.disabled) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  check();
}

// One key per action (shown on its button); not while typing in a field.
function shortcuts() {
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    if (event.key === "Enter") {
      const first = document.querySelector(".queue .open-draft");
      if (first) { event.preventDefault(); first.click(); }
      return;
    }
    const target = document.querySelector(`[data-key="${CSS.escape(event.key)}"]`);
    if (!target) return;
    event.preventDefault();
    if (target.tagName.toLowerCase() === "textarea") target.focus();
    else target.click();
  });
}

// A running training or evaluation: its progress line, then the page again once it is done.
function jobProgress() {
  const box = document.getElementById("job");
  if (!box || box.dataset.running !== "1") return;
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.job);
      const job = response.ok ? await response.json() : null;
      if (job && job.done) { window.location.reload(); return; }
      if (job) document.getElementById("job-progress").textContent = job.progress;
    } catch (err) { /* the next poll tries again */ }
    setTimeout(poll, 1000);
  };
  setTimeout(poll, 1000);
}

document.addEventListener("DOMContentLoaded", () => {
  jobProgress();
  liveQueue();
  policyCheck();
  shortcuts();
});
