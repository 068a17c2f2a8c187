// 窗口工作台: the little the pages need from the browser. No framework.
// 1. The scanner. A USB barcode scanner types like a keyboard, fast, and ends with Enter.
//    Keys typed while no text field has the focus go to the scan box. A burst of keys
//    (BURST_KEYS or more, each within FAST_MS of the last: no person types that fast)
//    typed into any other text field is taken out of that field and moved to the scan
//    box, so a scan opens its case wherever the focus was and never becomes a note. A
//    short stall of the browser inside a burst (up to HICCUP_MS) does not split it:
//    fast keys just before it belong to it too.
// 2. Enter never submits an action form (受理, 办结, 需补材料, 不予受理, 备注, 已收:
//    form[data-act]) from a field or a checkbox: only a press of its button does. Their
//    text fields are textareas, where Enter is a new line even without this script. An
//    action form is sent once: a double click does not post it twice (the server would
//    refuse the second as stale anyway, and show that instead of the first's result).
// 3. Waiting times (data-since) tick every 30 s. The queue refreshes itself in the
//    background every data-refresh seconds with the X-Desk-Background header, which the
//    server does not count as activity: an idle desk still logs out, and then the page
//    goes to the login page instead of showing the queue.
// 4. Rows open their case; data-confirm asks first; data-autosubmit submits on change;
//    the import page counts the codes scanned.
(function () {
  "use strict";
  var BURST_KEYS = 6;
  var FAST_MS = 60;
  var HICCUP_MS = 250;
  var TEXT_TYPES = ["text", "search", "number", "tel", "url", "email", "password", ""];

  function textField(el) {
    if (!el) return false;
    if (el.tagName === "TEXTAREA" || el.isContentEditable) return true;
    return el.tagName === "INPUT" && TEXT_TYPES.indexOf((el.getAttribute("type") || "").toLowerCase()) >= 0;
  }
  function scanBox() { return document.getElementById("scan"); }
  function collects(el) { return el && (el.id === "scan" || el.id === "codes"); }

  var typed = null;  // {field, keys: [{t, key, value, start, end}]}: keys typed into a field

  // Where the burst ending at the last key starts, or -1 when the last keys are a person's.
  function burstStart(keys) {
    var i = keys.length - 1;
    while (i > 0 && keys[i].t - keys[i - 1].t <= FAST_MS) i--;
    if (keys.length - i < BURST_KEYS) return -1;
    while (i > 0 && keys[i].t - keys[i - 1].t <= HICCUP_MS) {
      var j = i - 1;
      while (j > 0 && keys[j].t - keys[j - 1].t <= FAST_MS) j--;
      if (i - j < 2) break;  // a lone key before the stall: a person's
      i = j;
    }
    return i;
  }

  function onKey(ev) {
    var scan = scanBox();
    if (!scan || ev.ctrlKey || ev.altKey || ev.metaKey || ev.isComposing || ev.key === "Process") return;
    var el = document.activeElement;
    if (collects(el)) { typed = null; return; }
    var printable = ev.key && ev.key.length === 1;
    if (!textField(el)) {
      if (printable) {  // nothing to type into: the scan box takes the key
        typed = null;
        scan.focus();
        scan.value += ev.key;
        ev.preventDefault();
      } else if (ev.key === "Enter" && el && el.closest && el.closest("form[data-act]") &&
                 el.tagName !== "BUTTON" && el.tagName !== "SUMMARY") {
        ev.preventDefault();  // a checkbox's Enter does not submit 需补材料
      }
      return;
    }
    if (printable) {
      var now = ev.timeStamp || Date.now();
      var last = typed && typed.keys[typed.keys.length - 1];
      if (!typed || typed.field !== el || now - last.t > 1000) typed = {field: el, keys: []};
      typed.keys.push({t: now, key: ev.key, value: el.value, start: el.selectionStart, end: el.selectionEnd});
      if (typed.keys.length > 64) typed.keys.shift();
      var start = burstStart(typed.keys);
      if (start >= 0) {  // a scanner: give the field back its words, the keys to the scan box
        var first = typed.keys[start];
        el.value = first.value;
        if (first.start !== null && el.setSelectionRange) {
          try { el.setSelectionRange(first.start, first.end); } catch (e) { /* number inputs */ }
        }
        scan.focus();
        scan.value = typed.keys.slice(start).map(function (k) { return k.key; }).join("");
        typed = null;
        ev.preventDefault();
      }
      return;
    }
    if (ev.key === "Enter" && el.tagName !== "TEXTAREA" && el.closest && el.closest("form[data-act]")) {
      ev.preventDefault();  // never submit an action from a field: press its button
    }
  }
  document.addEventListener("keydown", onKey, true);

  function since(iso) {
    var minutes = Math.floor((Date.now() - Date.parse(iso)) / 60000);
    if (minutes < 1) return "刚到";
    if (minutes < 60) return minutes + "分钟";
    if (minutes < 1440) return Math.floor(minutes / 60) + "小时" + (minutes % 60) + "分";
    return Math.floor(minutes / 1440) + "天";
  }
  function tick() {
    document.querySelectorAll("[data-since]").forEach(function (el) {
      var iso = el.getAttribute("data-since");
      if (iso) el.textContent = since(iso);
    });
  }
  setInterval(tick, 30000);

  function idle() {
    var scan = scanBox();
    var el = document.activeElement;
    return !!scan && scan.value === "" && (el === scan || !textField(el));
  }
  function refreshQueue() {
    if (!idle()) return;
    fetch(window.location.href, {headers: {"X-Desk-Background": "1"}, credentials: "same-origin"})
      .then(function (r) {
        if (r.url.indexOf("/desk/login") >= 0) {  // the session ended: show the login page
          window.location.assign(r.url);
          return null;
        }
        return r.ok ? r.text() : null;
      })
      .then(function (html) {
        if (!html || !idle()) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("main");
        var main = document.querySelector("main");
        if (fresh && main) main.innerHTML = fresh.innerHTML;
      })
      .catch(function () { /* the server is away: try again next time */ });
  }

  function countCodes(area, out) {
    var lines = area.value.split("\n").map(function (l) { return l.trim(); }).filter(Boolean);
    var ids = lines.filter(function (l) { return /^BBI\d:/.test(l); }).length;
    var data = lines.filter(function (l) { return l.indexOf("BBD1:") === 0; }).length;
    out.textContent = lines.length ? "已扫：验真码 " + ids + " 个，数据码 " + data + " 个" : "";
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.addEventListener("click", function (ev) {  // delegated: rows survive a refresh
      var row = ev.target.closest && ev.target.closest("tr[data-href]");
      if (row && ev.target.tagName !== "A") window.location.href = row.getAttribute("data-href");
    });
    document.addEventListener("submit", function (ev) {  // after data-confirm's answer
      var form = ev.target;
      if (ev.defaultPrevented || !form.matches || !form.matches("form[data-act]")) return;
      if (form.getAttribute("data-sent")) { ev.preventDefault(); return; }
      form.setAttribute("data-sent", "1");
    });
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (ev) {
        if (!window.confirm(form.getAttribute("data-confirm"))) ev.preventDefault();
      });
    });
    document.addEventListener("change", function (ev) {  // delegated as well
      if (ev.target.hasAttribute && ev.target.hasAttribute("data-autosubmit")) ev.target.form.submit();
    });
    var codes = document.getElementById("codes");
    var count = document.getElementById("code-count");
    if (codes && count) {
      codes.addEventListener("input", function () { countCodes(codes, count); });
    }
    var seconds = parseInt(document.body.getAttribute("data-refresh") || "0", 10);
    if (seconds > 0) setInterval(refreshQueue, seconds * 1000);
  });
})();
