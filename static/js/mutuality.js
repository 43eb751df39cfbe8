// Starts NHS.UK frontend's components (error summary focus, password Show button, header…)
// and stacks tables on narrow screens (stacked-tables.js). Loaded as a module, so it runs after
// the page has been parsed and only in browsers that NHS.UK frontend supports; without it
// every page still works as plain HTML.
import { initAll } from "../vendor/nhsuk/nhsuk-frontend.min.js";
import { stackTables } from "./stacked-tables.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();

stackTables(document.body);
// Parts of a page htmx loads later (panels, the next page of a list) stack too.
document.body.addEventListener("htmx:load", (event) => stackTables(event.target));
