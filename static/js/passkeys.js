// Passkeys (ADR 0010): allauth's scripts (static/mfa/js/webauthn.js) ask the browser to make or
// use a passkey. When the person cancels, or the device cannot, allauth announces an
// "allauth.error" event; this shows the page's plain message instead of a console error.
document.addEventListener("allauth.error", (event) => {
  event.preventDefault();
  const message = document.getElementById("passkey-error");
  if (message) {
    message.hidden = false;
    message.focus();
  }
});
