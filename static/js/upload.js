// Upload with a progress bar. Without this script the form posts normally.
const form = document.querySelector("[data-upload-form]");

function show(percent, text) {
  const panel = form.querySelector("[data-upload-progress]");
  panel.hidden = false;
  panel.querySelector("progress").value = percent;
  panel.querySelector("[data-upload-status]").textContent = text;
}

if (form && window.XMLHttpRequest && window.FormData) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const request = new XMLHttpRequest();
    request.open("POST", form.action || window.location.href);
    request.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) {
        const percent = Math.round((100 * e.loaded) / e.total);
        show(percent, `${percent}%`);
      }
    });
    request.addEventListener("load", () => {
      // A redirect means the files were received: follow it. Otherwise the server
      // answered with the form and its errors: show that page.
      if (request.responseURL && request.responseURL !== window.location.href) {
        window.location.assign(request.responseURL);
      } else {
        document.open();
        document.write(request.responseText);
        document.close();
      }
    });
    request.addEventListener("error", () => form.submit());
    form.querySelector("button[type=submit]").disabled = true;
    request.send(new FormData(form));
  });
}
