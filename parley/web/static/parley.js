// parley's pages: small enhancements; every page works without them.
"use strict";

// The as-of control: a new date (or process) reloads the page without pressing "Show".
function autosubmit() {
  for (const form of document.querySelectorAll("form[data-autosubmit]")) {
    for (const field of form.querySelectorAll("input[type=date], select")) {
      field.addEventListener("change", () => {
        if (form.reportValidity()) form.requestSubmit();
      });
    }
  }
}

// A link to #span-START-END lands on that span of the article text. CSS :target marks the element
// with that id; a span cut in pieces (annotations overlap) has more: mark them all.
function highlightTarget() {
  for (const old of document.querySelectorAll(".is-target")) old.classList.remove("is-target");
  const match = /^#span-(\d+)-(\d+)$/.exec(window.location.hash);
  if (!match) return;
  const pieces = document.querySelectorAll(`[data-span="${match[1]}-${match[2]}"]`);
  for (const piece of pieces) piece.classList.add("is-target");
  if (pieces.length) pieces[0].scrollIntoView({ block: "center" });
}

document.addEventListener("DOMContentLoaded", () => {
  autosubmit();
  if (document.getElementById("article-text")) {
    highlightTarget();
    window.addEventListener("hashchange", highlightTarget);
  }
});
