// Collect contacts chosen in Wagtail's chooser modal (several at a time)
// into one hidden input of comma-separated ids.
(() => {
  class ContactsChooserController extends window.StimulusModule.Controller {
    static targets = ['input', 'list', 'template'];
    static values = { modal: Object };

    choose() {
      // Unpack on first use: the chooser's telepath adapter may load after us.
      this.modal ??= window.telepath.unpack(this.modalValue);
      this.modal.openModal((items) => items.forEach((item) => this.append(item)), {
        multiple: true,
      });
    }

    append({ id, string }) {
      if (this.ids.includes(String(id))) return;
      const row = this.templateTarget.content.firstElementChild.cloneNode(true);
      row.dataset.contactId = id;
      row.querySelector('[data-wpl-contacts-chooser-label]').textContent = string;
      this.listTarget.append(row);
      this.sync();
    }

    remove(event) {
      event.currentTarget.closest('[data-contact-id]').remove();
      this.sync();
    }

    get ids() {
      return [...this.listTarget.children].map((row) => row.dataset.contactId);
    }

    sync() {
      this.inputTarget.value = this.ids.join(',');
      this.inputTarget.dispatchEvent(new Event('change', { bubbles: true }));
    }
  }

  window.wagtail.app.register('wpl-contacts-chooser', ContactsChooserController);
})();
