// Add and remove key/value rows of a contact's attributes.
(() => {
  class AttributesController extends window.StimulusModule.Controller {
    static targets = ['rows', 'template'];

    add() {
      const row = this.templateTarget.content.firstElementChild.cloneNode(true);
      this.rowsTarget.append(row);
      row.querySelector('input').focus();
      this.changed();
    }

    remove(event) {
      event.currentTarget.closest('[data-wpl-attributes-row]').remove();
      if (!this.rowsTarget.querySelector('[data-wpl-attributes-row]')) this.add();
      this.changed();
    }

    changed() {
      // Let Wagtail's unsaved-changes warning notice the edit.
      this.element.dispatchEvent(new Event('change', { bubbles: true }));
    }
  }

  window.wagtail.app.register('wpl-attributes', AttributesController);
})();
