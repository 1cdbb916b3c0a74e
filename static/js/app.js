// Progressive enhancement only: every page works without this script.
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled");
if ("noModule" in HTMLScriptElement.prototype) {
  document.body.classList.add("govuk-frontend-supported");
}
initAll();
