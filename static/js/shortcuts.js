// Keyboard shortcuts for the queue and the ticket page; "?" lists them. Never while typing.
(function () {
  "use strict";

  var ORDER_KEY = "desk-queue-order";

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("table.queue tbody tr"));
  }

  function current() {
    return document.querySelector("table.queue tbody tr.kbd-current");
  }

  function move(step) {
    var all = rows();
    if (!all.length) { return; }
    var index = all.indexOf(current());
    var next = all[Math.min(all.length - 1, Math.max(0, index + step))] || all[0];
    all.forEach(function (row) { row.classList.remove("kbd-current"); });
    next.classList.add("kbd-current");
    next.scrollIntoView({ block: "nearest" });
  }

  function rememberOrder() {
    var links = rows().map(function (row) {
      var link = row.querySelector("a[href*='/desk/tickets/']");
      return link ? link.getAttribute("href") : null;
    }).filter(Boolean);
    if (links.length) {
      try { sessionStorage.setItem(ORDER_KEY, JSON.stringify(links)); } catch (e) { /* private mode */ }
    }
  }

  function neighbour(step) {
    var order;
    try { order = JSON.parse(sessionStorage.getItem(ORDER_KEY) || "[]"); } catch (e) { order = []; }
    var here = order.indexOf(window.location.pathname);
    var there = order[here + step];
    if (here >= 0 && there) { window.location.href = there; }
  }

  function submit(name) {
    var form = document.querySelector("form[data-shortcut='" + name + "']");
    if (form) { form.requestSubmit ? form.requestSubmit() : form.submit(); }
  }

  function focus(id) {
    var field = document.getElementById(id);
    if (field) { field.scrollIntoView({ block: "center" }); field.focus(); }
  }

  function help() {
    var dialog = document.getElementById("shortcuts");
    if (dialog && !dialog.open) { dialog.showModal(); }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var onQueue = !!document.querySelector("table.queue") && !document.querySelector(".ticket-head");
    var onTicket = !!document.querySelector(".ticket-head");
    var key = event.key;
    var done = true;
    if (key === "?") { help(); }
    else if (onQueue && key === "j") { move(1); }
    else if (onQueue && key === "k") { move(-1); }
    else if (onQueue && (key === "Enter" || key === "o") && current()) {
      current().querySelector("a[href*='/desk/tickets/']").click();
    }
    else if (onQueue && key === "t") { submit("take-next"); }
    else if (onTicket && key === "j") { neighbour(1); }
    else if (onTicket && key === "k") { neighbour(-1); }
    else if (onTicket && key === "r") { focus("id_body"); }
    else if (onTicket && key === "n") { focus("id_note-body"); }
    else if (onTicket && key === "a") { submit("acknowledge"); }
    else if (onTicket && key === "m") { submit("assign-to-me"); }
    else { done = false; }
    if (done) { event.preventDefault(); }
  });

  document.addEventListener("DOMContentLoaded", rememberOrder);
  document.addEventListener("htmx:afterSwap", rememberOrder);
  document.addEventListener("click", function (event) {
    if (event.target && event.target.matches("[data-close-dialog]")) { event.target.closest("dialog").close(); }
  });
})();
