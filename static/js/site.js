// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // "Copy the link" buttons: <button data-copy-url="...">.
  document.querySelectorAll("[data-copy-url]").forEach((button) => {
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(button.dataset.copyUrl);
        button.textContent = button.dataset.copiedLabel || "✓";
      } catch {
        window.prompt("", button.dataset.copyUrl);
      }
    });
  });
});
