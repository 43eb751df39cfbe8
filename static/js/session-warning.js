// The warning a minute before a session's idle limit (templates/_components/session_warning.html).
// Every time comes from the dialog's data attributes, which the server fills from its settings,
// so a test can shorten them. Before warning, the page asks the server how long is left (a
// question that is not itself activity): if the person has been busy in another tab, it waits
// again instead. When the time is up it loads the page again, and the server, which enforces
// the limit whether or not this script runs, sends them to the sign-in page saying why.

const dialog = document.getElementById("session-warning");

if (dialog && typeof dialog.showModal === "function") {
  const warningSeconds = Number(dialog.dataset.warningSeconds);
  const idleSeconds = Number(dialog.dataset.idleSeconds);
  const statusUrl = dialog.dataset.statusUrl;
  const stayForm = dialog.querySelector("[data-session-stay]");
  let timer = null;
  let renewable = true;
  let returnFocusTo = null;

  const later = (seconds, then) => {
    window.clearTimeout(timer);
    timer = window.setTimeout(then, Math.max(0, seconds) * 1000);
  };

  const waitToWarn = (secondsLeft) => later(secondsLeft - warningSeconds, check);

  // How long is left, or null once the session has ended (the server then answers 401).
  const secondsLeft = async () => {
    try {
      const response = await fetch(statusUrl, {
        headers: { Accept: "application/json", "Mutuality-Background": "true" },
        credentials: "same-origin",
        cache: "no-store",
      });
      if (!response.ok) return null;
      const standing = await response.json();
      renewable = standing.renewable;
      return standing.seconds_left > 0 ? standing.seconds_left : null;
    } catch {
      return null;
    }
  };

  // The page again, by GET (never resending a form): the server signs them out and says why.
  const ended = () => window.location.assign(window.location.href);

  const close = () => {
    if (dialog.open) dialog.close();
    if (returnFocusTo && document.contains(returnFocusTo)) returnFocusTo.focus();
  };

  // The clock time in the page's own language (<html lang>, which follows the person's choice),
  // or the browser's when that language is one the browser cannot write times in.
  const clockTime = (when) => {
    const options = { hour: "numeric", minute: "2-digit" };
    try {
      return when.toLocaleTimeString(document.documentElement.lang || undefined, options);
    } catch {
      return when.toLocaleTimeString(undefined, options);
    }
  };

  const show = (left) => {
    const words = clockTime(new Date(Date.now() + left * 1000));
    dialog.querySelectorAll("[data-session-deadline]").forEach((span) => {
      span.textContent = words;
    });
    dialog.querySelectorAll("[data-session-when]").forEach((part) => {
      part.hidden = part.dataset.sessionWhen !== (renewable ? "renewable" : "final");
    });
    if (!dialog.open) {
      returnFocusTo = document.activeElement;
      dialog.showModal();
    }
    const buttons = [...dialog.querySelectorAll("button")];
    buttons.find((button) => button.closest("[hidden]") === null).focus();
    later(left, expire);
  };

  async function check() {
    const left = await secondsLeft();
    if (left === null) return ended();
    if (left > warningSeconds + 1) return waitToWarn(left); // used in another tab meanwhile
    return show(left);
  }

  async function expire() {
    const left = await secondsLeft();
    if (left === null) return ended();
    close();
    return waitToWarn(left);
  }

  const stay = async () => {
    const response = await fetch(stayForm.action, {
      method: "POST",
      body: new FormData(stayForm),
      credentials: "same-origin",
    });
    if (response.status !== 204) return ended();
    close();
    return waitToWarn(idleSeconds);
  };

  stayForm.addEventListener("submit", (event) => {
    event.preventDefault();
    stay();
  });
  dialog.querySelector("[data-session-close]").addEventListener("click", close);
  // Escape is "stay signed in" while that is possible, as closing the warning would suggest.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    if (renewable) stay();
    else close();
  });

  renewable = dialog.dataset.renewable === "true";
  waitToWarn(Number(dialog.dataset.secondsLeft));
}
