// The queue page keeps itself current: every few seconds it asks /console/queue.json for
// the same view and redraws the table body. Text goes in with textContent only, so nothing
// a customer or an account name holds is ever read as HTML.
(function () {
  "use strict";
  var table = document.getElementById("queue");
  if (!table) { return; }
  var body = table.querySelector("tbody");
  var status = document.getElementById("queue-status");
  var every = parseInt(table.getAttribute("data-poll-ms"), 10) || 5000;
  var source = table.getAttribute("data-source");
  var me = table.getAttribute("data-user-id");

  function cell(row, text, className) {
    var td = document.createElement("td");
    if (className) { td.className = className; }
    td.textContent = text === null || text === undefined ? "" : String(text);
    row.appendChild(td);
    return td;
  }

  function owner(item) {
    if (item.status !== "claimed") { return "unclaimed"; }
    return String(item.assigned_to) === me ? "you" : (item.collector_email || "someone");
  }

  function draw(items) {
    var rows = document.createDocumentFragment();
    items.forEach(function (item, index) {
      var row = document.createElement("tr");
      row.setAttribute("data-id", item.id);
      cell(row, index + 1, "num");
      var account = cell(row, "");
      var link = document.createElement("a");
      link.href = item.url;
      link.textContent = item.account_number
        ? item.account_number + " · " + (item.account_name || "")
        : item.named_account
          ? "named " + item.named_account + " (not on file)"
          : "no account (" + (item.channel || "?") + ")";
      account.appendChild(link);
      var reason = cell(row, item.reason);
      if (item.summary_line) {
        var line = document.createElement("div");
        line.className = "summary-line muted";
        line.textContent = item.summary_line;
        reason.appendChild(line);
      }
      cell(row, owner(item));
      cell(row, item.past_due_shown, "num");
      cell(row, item.days_late === null ? "—" : item.days_late, "num");
      cell(row, item.channel || "—");
      cell(row, item.created_shown);
      cell(row, item.last_message_shown || "—");
      rows.appendChild(row);
    });
    body.replaceChildren(rows);
    var empty = document.getElementById("queue-empty");
    if (empty) { empty.hidden = items.length > 0; }
  }

  function poll() {
    fetch(source, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.status === 401) {
          window.location.assign("/console/login?next=" + encodeURIComponent(location.pathname + location.search));
          return null;
        }
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        if (!data) { return; }
        draw(data.escalations);
        if (status) { status.textContent = "Updated " + new Date().toLocaleTimeString(); }
      })
      .catch(function (error) {
        if (status) { status.textContent = "Could not refresh (" + error.message + "); retrying"; }
      })
      .finally(function () { window.setTimeout(poll, every); });
  }

  window.setTimeout(poll, every);
})();
