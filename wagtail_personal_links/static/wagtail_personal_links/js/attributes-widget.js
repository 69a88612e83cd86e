// Add and remove key/value rows of a contact's attributes.
(() => {
  class AttributesController extends window.StimulusModule.Controller {
    static targets = ['rows', 'template'];

    add() {
      // Reuse a blank last row (the form always offers one) before adding another.
      let row = this.rowsTarget.lastElementChild;
      if (!row || [...row.querySelectorAll('input')].some((input) => input.value)) {
        row = this.templateTarget.content.firstElementChild.cloneNode(true);
        this.rowsTarget.append(row);
        this.changed();
      }
      row.querySelector('input').focus();
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
