// Starts NHS.UK frontend's components (error summary focus, password Show button, header…).
// Loaded as a module, so it runs after the page has been parsed and only in browsers that
// NHS.UK frontend supports; without it every page still works as plain HTML.
import { initAll } from "../vendor/nhsuk/nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();
