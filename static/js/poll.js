// The visitor poll, better with JavaScript: the vote is sent with fetch() and the
// block is replaced by the server's answer, without leaving the page. Without
// JavaScript (or if fetch fails) the form posts normally and the page redirects.
(() => {
  const bind = (form) => {
    if (form.dataset.pollBound) return; // the script may be included twice on a page
    form.dataset.pollBound = "1";
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = form.querySelector("[type=submit]");
      const data = new FormData(form);
      const panel = form.closest("[data-poll-id]");
      if (button) button.disabled = true;
      let payload;
      try {
        const response = await fetch(form.action, {
          method: "POST",
          body: data,
          credentials: "same-origin",
          headers: {
            Accept: "application/json",
            "X-CSRFToken": data.get("csrfmiddlewaretoken"),
          },
        });
        payload = await response.json();
      } catch {
        form.submit(); // the plain POST: the server answers with a message and a redirect
        return;
      }
      if (typeof payload.html !== "string") {
        // An error answered as JSON (maintenance, a server error): said beside
        // the form, which stays as it was for another try.
        let notice = panel.querySelector("[data-poll-error]");
        if (!notice) {
          notice = document.createElement("p");
          notice.className = "alert alert-danger small mt-2";
          notice.setAttribute("role", "alert");
          notice.dataset.pollError = "1";
          form.after(notice);
        }
        notice.textContent = payload.message || "";
        if (button) button.disabled = false;
        return;
      }
      // After a recorded vote every copy of this poll on the page shows the
      // results; a refusal only replaces the block that was used.
      const targets = payload.ok
        ? document.querySelectorAll(`[data-poll-id="${panel.dataset.pollId}"]`)
        : [panel];
      targets.forEach((target) => {
        target.innerHTML = payload.html;
        target.querySelectorAll("[data-poll-form]").forEach(bind);
      });
      const notice = panel.querySelector("[data-poll-notice]");
      if (notice) notice.focus();
    });
  };

  const start = () => document.querySelectorAll("[data-poll-form]").forEach(bind);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
