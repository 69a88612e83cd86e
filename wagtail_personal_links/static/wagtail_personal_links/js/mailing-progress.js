/*
 * A mailing's page: follow the sending with the progress bar and counts,
 * then reload once to list the failed and skipped messages.
 */
(() => {
  'use strict';

  const POLL_INTERVAL = 1500;

  async function poll(element) {
    const response = await fetch(element.dataset.personalLinksMailingProgress, {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    if (!response.ok) return;
    const data = await response.json();
    const bar = element.querySelector('[role="progressbar"]');
    bar.setAttribute('aria-valuenow', data.percent);
    bar.querySelector('.bar').style.width = `${data.percent}%`;
    const counts = { ...data, waiting: data.queued + data.sending };
    element.querySelectorAll('[data-count]').forEach((cell) => {
      cell.textContent = counts[cell.dataset.count];
    });
    if (data.finished) {
      window.location.reload();
    } else {
      window.setTimeout(() => poll(element), POLL_INTERVAL);
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    const element = document.querySelector('[data-personal-links-mailing-progress]');
    if (element && !element.hasAttribute('data-finished')) {
      window.setTimeout(() => poll(element), POLL_INTERVAL);
    }
  });
})();
