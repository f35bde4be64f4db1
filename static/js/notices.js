// Raising a notice: choosing the organisation reloads the page to show its emergency contacts.
document.querySelectorAll("select[data-reload-param]").forEach((select) => {
  select.addEventListener("change", () => {
    const url = new URL(window.location.href);
    url.searchParams.set(select.dataset.reloadParam, select.value);
    window.location.assign(url.toString());
  });
});
