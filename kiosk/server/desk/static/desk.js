// 窗口工作台: the little the pages need from the browser. No framework.
// 1. A USB barcode scanner types like a keyboard and ends with Enter: keys typed while no
//    field has the focus go to the scan box, so a scan opens its case from any page.
// 2. Waiting times (data-since) tick every 30 s; the queue reloads every minute when idle.
// 3. Rows open their case; data-confirm asks first; data-autosubmit submits on change.
(function () {
  "use strict";
  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }
  document.addEventListener("keydown", function (ev) {
    var scan = document.getElementById("scan");
    if (!scan || typing(document.activeElement) || ev.ctrlKey || ev.altKey || ev.metaKey) return;
    if (ev.key.length === 1) {
      scan.focus();
      scan.value += ev.key;
      ev.preventDefault();
    }
  });

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

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("tr[data-href]").forEach(function (row) {
      row.addEventListener("click", function (ev) {
        if (ev.target.tagName !== "A") window.location.href = row.getAttribute("data-href");
      });
    });
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (ev) {
        if (!window.confirm(form.getAttribute("data-confirm"))) ev.preventDefault();
      });
    });
    document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
    var codes = document.getElementById("codes");
    if (codes) {  // a scanner's Enter ends one code: keep collecting instead of submitting
      codes.addEventListener("keydown", function (ev) { if (ev.key === "Enter") ev.stopPropagation(); });
    }
    if (document.body.classList.contains("page-queue")) {
      setInterval(function () {
        var scan = document.getElementById("scan");
        var idle = document.activeElement === scan || !typing(document.activeElement);
        if (!scan || (scan.value === "" && idle)) window.location.reload();
      }, 60000);
    }
  });
})();
