// Upload with a progress bar. Without this script the form posts normally.
import { initAll } from "../govuk/govuk-frontend.min.js";

const form = document.querySelector("[data-upload-form]");

function show(uploadForm, percent, text) {
  const panel = uploadForm.querySelector("[data-upload-progress]");
  panel.hidden = false;
  panel.querySelector("progress").value = percent;
  panel.querySelector("[data-upload-status]").textContent = text;
}

// The server answered with the form and its errors: show them in place of the page's main
// content, with the GOV.UK components started again (the error summary takes the focus).
function showErrors(html) {
  const page = new DOMParser().parseFromString(html, "text/html");
  const main = document.querySelector("main");
  const replacement = page.querySelector("main");
  if (!main || !replacement) {
    window.location.reload();
    return;
  }
  document.title = page.title;
  main.replaceWith(replacement);
  initAll({ scope: replacement });
  const again = replacement.querySelector("[data-upload-form]");
  if (again) enhance(again);
}

function enhance(uploadForm) {
  if (!window.XMLHttpRequest || !window.FormData) return;
  uploadForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const request = new XMLHttpRequest();
    request.open("POST", uploadForm.action || window.location.href);
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) {
        const percent = Math.round((100 * e.loaded) / e.total);
        show(uploadForm, percent, `${percent}%`);
      }
    });
    request.addEventListener("load", () => {
      const type = request.getResponseHeader("Content-Type") || "";
      if (type.startsWith("application/json")) {
        window.location.assign(JSON.parse(request.responseText).redirect);
      } else {
        showErrors(request.responseText);
      }
    });
    request.addEventListener("error", () => uploadForm.submit());
    uploadForm.querySelector("button[type=submit]").disabled = true;
    request.send(new FormData(uploadForm));
  });
}

if (form) enhance(form);
