// The segment rule builder: filters and groups joined by and/or, kept as JSON in a hidden input.
(() => {
  const PREVIEW_DELAY = 300;

  const element = (tag, attributes = {}, children = []) => {
    const node = document.createElement(tag);
    Object.entries(attributes).forEach(([name, value]) => {
      if (value === false || value === null || value === undefined) return;
      if (name === 'text') node.textContent = value;
      else if (name in node && name !== 'list') node[name] = value;
      else node.setAttribute(name, value);
    });
    children.forEach((child) => child && node.append(child));
    return node;
  };

  const select = (options, value, attributes) => {
    const node = element('select', attributes);
    options.forEach(([optionValue, label]) => {
      node.append(element('option', { value: String(optionValue), text: label }));
    });
    node.value = value === null || value === undefined ? '' : String(value);
    return node;
  };

  // "root.1.0" (the tree's internal path) as a person counts: "2.1".
  const position = (path) => path.split('.').slice(1).map((index) => Number(index) + 1).join('.');

  class RulesController extends window.StimulusModule.Controller {
    static targets = ['input', 'tree', 'count', 'matches'];

    static values = { config: Object, previewUrl: String };

    connect() {
      // Wagtail's segment and page choosers, and the states of the items the rules already name.
      this.choosers = window.telepath.unpack(this.configValue.choosers);
      this.chosen = this.configValue.chosen;
      try {
        this.tree = JSON.parse(this.inputTarget.value || '{}');
      } catch (error) {
        this.tree = {};
      }
      if (!Array.isArray(this.tree.items)) this.tree = { negate: false, items: [] };
      this.render();
      this.preview();
    }

    get text() {
      return this.configValue.text;
    }

    // Rendering ------------------------------------------------------------

    render(focusKey) {
      // Choosers find their elements by id, so they are mounted once the tree is in the page.
      this.mounts = [];
      this.treeTarget.replaceChildren(this.renderGroup(this.tree, 'root', 0));
      this.mounts.forEach((mount) => mount());
      const focused = focusKey && this.treeTarget.querySelector(`[data-focus-key="${focusKey}"]`);
      if (focused) focused.focus();
    }

    renderGroup(group, path, depth) {
      const label = depth ? `${this.text.group} ${position(path)}` : this.text.group;
      const node = element('div', { class: 'wpl-rules__group', role: 'group', 'aria-label': label });
      const negate = element('input', {
        type: 'checkbox',
        checked: Boolean(group.negate),
        'data-focus-key': `${path}-negate`,
      });
      negate.addEventListener('change', () => this.update(() => { group.negate = negate.checked; }));
      node.append(element('label', { class: 'wpl-rules__negate' }, [negate, ` ${this.text.not}`]));
      if (!group.items.length) node.append(element('p', { class: 'help', text: this.text.empty }));
      group.items.forEach((item, index) => {
        node.append(this.renderItem(group, item, index, `${path}.${index}`, depth));
      });
      node.append(this.renderAddButtons(group, path));
      return node;
    }

    renderItem(group, item, index, path, depth) {
      const row = element('div', { class: 'wpl-rules__item' });
      if (index > 0) {
        const connector = select(
          [['and', this.text.and], ['or', this.text.or]],
          item.connector || 'and',
          { 'aria-label': `${this.text.and} / ${this.text.or}`, 'data-focus-key': `${path}-connector`, class: 'wpl-rules__connector' },
        );
        connector.addEventListener('change', () => this.update(() => { item.connector = connector.value; }));
        row.append(connector);
      }
      row.append(item.group
        ? this.renderGroup(item.group, path, depth + 1)
        : this.renderFilter(item.filter, path));
      const remove = element('button', {
        type: 'button',
        class: 'button button-small button-secondary no',
        text: this.text.remove,
        'aria-label': `${this.text.remove} ${position(path)}`,
      });
      remove.addEventListener('click', () => this.update(() => {
        group.items.splice(index, 1);
        if (group.items.length) delete group.items[0].connector;
      }, `${path.split('.').slice(0, -1).join('.')}-add`));
      row.append(remove);
      return row;
    }

    renderAddButtons(group, path) {
      const addFilter = element('button', {
        type: 'button', class: 'button button-small', text: this.text.addFilter, 'data-focus-key': `${path}-add`,
      });
      addFilter.addEventListener('click', () => {
        this.add(group, { filter: this.newFilter(this.configValue.fields[0]) }, path, 'field');
      });
      const addGroup = element('button', {
        type: 'button', class: 'button button-small button-secondary', text: this.text.addGroup,
      });
      addGroup.addEventListener('click', () => {
        const filter = this.newFilter(this.configValue.fields[0]);
        this.add(group, { group: { negate: false, items: [{ filter }] } }, path, 'group');
      });
      return element('div', { class: 'wpl-rules__add' }, [addFilter, ' ', addGroup]);
    }

    add(group, item, path, focus) {
      if (group.items.length) item.connector = 'and';
      group.items.push(item);
      const itemPath = `${path}.${group.items.length - 1}`;
      this.update(() => {}, focus === 'group' ? `${itemPath}-negate` : `${itemPath}-field`);
    }

    renderFilter(filter, path) {
      const node = element('div', { class: 'wpl-rules__filter' });
      const fieldSelect = this.fieldSelect(filter, path);
      node.append(fieldSelect, this.operatorSelect(filter, path));
      this.valueInputs(filter, path).forEach((input) => node.append(input));
      return node;
    }

    fieldSelect(filter, path) {
      const node = element('select', { 'aria-label': this.text.field, 'data-focus-key': `${path}-field` });
      this.configValue.fields.forEach((field) => {
        node.append(element('option', { value: `${field.kind}:${field.key}`, text: field.label }));
      });
      node.append(element('option', { value: 'segment', text: this.text.segmentMembership }));
      node.append(element('option', { value: 'survey', text: this.text.surveyInteraction }));
      node.value = ['segment', 'survey'].includes(filter.kind) ? filter.kind : `${filter.kind}:${filter.key}`;
      node.addEventListener('change', () => this.update(() => {
        const field = this.configValue.fields.find((item) => `${item.kind}:${item.key}` === node.value);
        const fresh = this.newFilter(field || { kind: node.value });
        Object.keys(filter).forEach((key) => delete filter[key]);
        Object.assign(filter, fresh);
      }, `${path}-field`));
      return node;
    }

    operatorSelect(filter, path) {
      const node = select(this.operatorsFor(filter), filter.operator, {
        'aria-label': this.text.operator, 'data-focus-key': `${path}-operator`,
      });
      node.addEventListener('change', () => this.update(() => {
        filter.operator = node.value;
        if (filter.kind === 'field' || filter.kind === 'attribute') filter.value = this.defaultValue(filter);
      }, `${path}-operator`));
      return node;
    }

    valueInputs(filter, path) {
      if (filter.kind === 'segment') return [this.referenceChooser(filter, 'segment', this.text.segment, path)];
      if (filter.kind === 'survey') {
        const days = element('input', {
          type: 'number', min: '1', step: '1', value: filter.within_days ?? '', placeholder: this.text.withinDays, 'aria-label': this.text.withinDays,
        });
        days.addEventListener('input', () => this.update(() => {
          filter.within_days = days.value ? Number(days.value) : null;
        }));
        return [this.referenceChooser(filter, 'page', this.text.page, path), days];
      }
      return this.comparisonInputs(filter, path);
    }

    // The segment or page a filter names, picked in Wagtail's chooser modal.
    referenceChooser(filter, name, label, path) {
      const placeholder = element('div');
      const node = element('div', { class: 'wpl-rules__chooser', role: 'group', 'aria-label': label }, [placeholder]);
      this.mounts.push(() => this.mountChooser(filter, name, `${this.inputTarget.id}-${path.replaceAll('.', '-')}-${name}`, placeholder));
      return node;
    }

    mountChooser(filter, name, id, placeholder) {
      const chosen = filter[name] ?? null;
      const state = chosen === null ? null : this.chosen[name][chosen] || this.missingState(name, chosen);
      // The chooser's own input has no name: the rules input alone is submitted.
      const widget = this.choosers[name].render(placeholder, '', id, state);
      widget.input.addEventListener('change', () => {
        const current = widget.getState();
        if (current) this.chosen[name][current.id] = current;
        this.update(() => { filter[name] = current ? Number(current.id) : null; });
        // Cleared from its actions menu: the chooser shows its choose button once this event is over.
        if (!current) setTimeout(() => this.focusChooser(widget));
      });
      // The modal hands focus back to the button that opened it, hidden by now.
      widget.addEventListener('chosen', () => {
        window.jQuery(document).one('hidden.bs.modal', () => this.focusChooser(widget));
      });
    }

    missingState(name, id) {
      const title = `${name === 'segment' ? this.text.segment : this.text.page} ${id}`;
      return { id, string: title, adminTitle: title };
    }

    focusChooser(widget) {
      const buttons = widget.chooserElement.querySelectorAll('button');
      const visible = [...buttons].find((button) => button.getClientRects().length);
      if (visible) visible.focus();
    }

    comparisonInputs(filter, path) {
      const type = this.typeOf(filter);
      const { operator } = filter;
      if (operator === 'is_set' || operator === 'is_not_set') return [];
      if (operator === 'between') {
        return [0, 1].map((index) => this.input('date', filter.value[index], (value) => { filter.value[index] = value; }, `${path}-value${index}`));
      }
      if (operator === 'older_than' || operator === 'newer_than') {
        const amount = this.input('number', filter.value.amount, (value) => { filter.value.amount = value === '' ? null : Number(value); }, `${path}-value`);
        const unit = select(this.configValue.units, filter.value.unit, { 'aria-label': this.text.value });
        unit.addEventListener('change', () => this.update(() => { filter.value.unit = unit.value; }));
        return [amount, unit];
      }
      if (type === 'number') {
        return [this.input('number', filter.value, (value) => { filter.value = value === '' ? null : Number(value); }, `${path}-value`)];
      }
      return [this.input(type === 'date' ? 'date' : 'text', filter.value, (value) => { filter.value = value; }, `${path}-value`)];
    }

    input(type, value, assign, focusKey) {
      const node = element('input', {
        type, value: value ?? '', 'aria-label': this.text.value, 'data-focus-key': focusKey, step: type === 'number' ? 'any' : null,
      });
      node.addEventListener('input', () => this.update(() => assign(node.value)));
      return node;
    }

    // Model ----------------------------------------------------------------

    typeOf(filter) {
      const field = this.configValue.fields.find((item) => item.kind === filter.kind && item.key === filter.key);
      return field ? field.type : 'text';
    }

    operatorsFor(filter) {
      if (filter.kind === 'segment') return this.configValue.segmentOperators;
      if (filter.kind === 'survey') return this.configValue.surveyOperators;
      return this.configValue.operators[this.typeOf(filter)];
    }

    newFilter(field) {
      if (field.kind === 'segment') return { kind: 'segment', operator: 'in', segment: null };
      if (field.kind === 'survey') return { kind: 'survey', operator: 'answered', page: null, within_days: null };
      const filter = { kind: field.kind, key: field.key };
      [[filter.operator]] = this.operatorsFor(filter);
      filter.value = this.defaultValue(filter);
      return filter;
    }

    defaultValue(filter) {
      if (filter.operator === 'between') return ['', ''];
      if (filter.operator === 'older_than' || filter.operator === 'newer_than') return { amount: 30, unit: 'days' };
      if (filter.operator === 'is_set' || filter.operator === 'is_not_set') return null;
      return this.typeOf(filter) === 'number' ? null : '';
    }

    update(change, focusKey) {
      change();
      this.inputTarget.value = JSON.stringify(this.tree);
      // Let Wagtail's unsaved-changes warning notice the edit.
      this.inputTarget.dispatchEvent(new Event('change', { bubbles: true }));
      if (focusKey) this.render(focusKey);
      this.schedulePreview();
    }

    // Live count -------------------------------------------------------------

    schedulePreview() {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.preview(), PREVIEW_DELAY);
    }

    async preview() {
      const form = this.element.closest('form');
      const body = new FormData();
      body.append('rules', this.inputTarget.value);
      if (this.configValue.segmentId) body.append('segment', this.configValue.segmentId);
      const token = form && form.querySelector('input[name="csrfmiddlewaretoken"]');
      const request = (this.request || 0) + 1;
      this.request = request;
      this.countTarget.textContent = this.text.loading;
      const response = await fetch(this.previewUrlValue, {
        method: 'POST', body, headers: { 'X-CSRFToken': token ? token.value : '' }, credentials: 'same-origin',
      });
      const data = await response.json().catch(() => ({ errors: [response.statusText] }));
      if (request !== this.request) return; // A newer preview is on its way.
      this.showPreview(data);
    }

    showPreview(data) {
      this.countTarget.classList.toggle('error-message', Boolean(data.errors));
      this.countTarget.textContent = data.errors ? data.errors.join(' ') : data.count_text;
      this.matchesTarget.replaceChildren(...(data.contacts || []).map((contact) => element('li', {}, [
        contact.url ? element('a', { href: contact.url, text: contact.label }) : contact.label,
      ])));
    }
  }

  const register = () => window.wagtail.app.register('wpl-rules', RulesController);
  // The choosers' telepath adapters may be listed after this script: connect once all have run.
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', register, { once: true });
  else register();
})();
