// Editor code shared by the incident-response config nodes (each one's HTML loads this file
// from resources/node-red-contrib-incident-response/editor.js): one behaviour for "which
// credentials does live mode still need", instead of a copy per dialog.
(function () {
  'use strict';
  if (window.IncidentResponseEditor) return;

  function filled(node, name) {
    var input = $('#node-config-input-' + name);
    var typed = input.length ? String(input.val() || '').trim() : '';
    // Node-RED never sends stored passwords to the editor, only has_<name>.
    var stored = node.credentials && (node.credentials['has_' + name] || (node.credentials[name] && node.credentials[name] !== '__PWRD__'));
    return typed !== '' || Boolean(stored);
  }

  window.IncidentResponseEditor = {
    /**
     * Keep `tip` (a selector for an element with class ir-missing-credentials) telling which
     * credentials live mode lacks. `required`: [{name, label}], or a function returning that
     * list for the dialog's current settings (e.g. per backend). Nothing shows in dry-run.
     */
    watchMissingCredentials: function (node, required, tip) {
      var list = typeof required === 'function' ? required : function () { return required; };
      function update() {
        var live = $('#node-config-input-mode').val() === 'live';
        // An item is {name, label}, or {anyOf: [names], label} when one of several will do.
        var missing = live ? list().filter(function (r) {
          return !(r.anyOf || [r.name]).some(function (name) { return filled(node, name); });
        }) : [];
        var el = $(tip);
        if (!missing.length) {
          el.hide().empty();
          return;
        }
        el.empty().append($('<span>').text('Live mode needs ' + missing.map(function (r) { return r.label; }).join(', ') + ' (missing): every call would fail.')).show();
      }
      // Any field may change the list (a backend, a provider switched on) or fill an item.
      $('.red-ui-tray-body').find('input, select, textarea').on('change keyup input', update);
      update();
      return update;
    }
  };
})();
