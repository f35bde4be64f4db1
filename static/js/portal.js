// Portal progressive enhancement: the pages work without it.
(function () {
  "use strict";

  // Beside each UTC date-time field the page already says, in words, what the typed moment is in the
  // person's own time (their profile's timezone); keep that line up to date while they type.
  function localLine(value, zone) {
    if (!value) { return null; }
    var moment = new Date(value + (value.length === 16 ? ":00Z" : "Z"));
    if (isNaN(moment.getTime())) { return null; }
    var options = { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    try {
      options.timeZone = zone;
      return moment.toLocaleString(undefined, options);
    } catch (error) {
      delete options.timeZone;
      return moment.toLocaleString(undefined, options);
    }
  }

  document.querySelectorAll("p.local-time[data-local-for]").forEach(function (hint) {
    var input = document.getElementById(hint.dataset.localFor);
    var form = hint.closest("form");
    var zone = (form && form.dataset.timezone) || "UTC";
    if (!input) { return; }
    var initial = hint.textContent;
    input.addEventListener("input", function () {
      var local = localLine(input.value, zone);
      if (local === null) { hint.textContent = initial; return; }
      hint.textContent = zone === "UTC" ? initial : "= " + local + " (" + zone + ")";
    });
  });

  // "Help me choose": ask the server (same rule as without script) and tick the suggestion in place.
  var helper = document.querySelector(".helper-body[data-suggest-url]");
  if (helper) {
    var button = helper.querySelector("button[name=suggest]");
    var result = helper.querySelector(".js-suggestion");
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var params = new URLSearchParams();
      helper.querySelectorAll("input").forEach(function (input) {
        if ((input.type === "radio" || input.type === "checkbox") && !input.checked) { return; }
        params.append(input.name, input.value);
      });
      fetch(helper.dataset.suggestUrl + "?" + params.toString(), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          var radio = document.querySelector("input[name=severity][value='" + data.level + "']");
          if (radio) { radio.checked = true; }
          result.textContent = data.explanation + " " + (radio ? result.dataset.selected : "");
        });
    });
  }
})();
