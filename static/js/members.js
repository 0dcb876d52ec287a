// Members page: ask before removing someone (forms marked data-confirm). Without JavaScript the form posts at once.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
