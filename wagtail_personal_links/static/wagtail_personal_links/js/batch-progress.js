/*
 * Personal links history: keep progress bars of batches being generated up to
 * date, and refresh the history when a batch is complete or has just been
 * generated (the generate form answers with a download, so the page stays).
 */
(() => {
  'use strict';

  const POLL_INTERVAL = 1500;
  const MAX_WAIT_FOR_NEW_BATCH = 40;

  const results = () => document.getElementById('listing-results');
  const newestBatch = () =>
    results()?.querySelector('[data-personal-links-batch]')?.dataset.personalLinksBatch;

  async function fetchResults() {
    const container = results();
    const url = document.querySelector('[data-personal-links-results-url]')?.dataset
      .personalLinksResultsUrl;
    if (!container || !url) return;
    const response = await fetch(url, { credentials: 'same-origin' });
    if (response.ok) {
      container.innerHTML = await response.text();
      watchProgress();
    }
  }

  function showProgress(element, data) {
    const bar = element.querySelector('[role="progressbar"]');
    bar.setAttribute('aria-valuenow', data.percent);
    bar.querySelector('.bar').style.width = `${data.percent}%`;
    const label = element.querySelector('[data-personal-links-progress-label]');
    label.textContent = data.progress_label;
  }

  async function poll(element) {
    const response = await fetch(element.dataset.personalLinksProgress, {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    if (!response.ok) return;
    const data = await response.json();
    if (data.state === 'generating') {
      showProgress(element, data);
      setTimeout(() => poll(element), POLL_INTERVAL);
    } else {
      fetchResults();
    }
  }

  function watchProgress() {
    document.querySelectorAll('[data-personal-links-progress]').forEach((element) => {
      if (element.dataset.personalLinksWatched) return;
      element.dataset.personalLinksWatched = 'true';
      setTimeout(() => poll(element), POLL_INTERVAL);
    });
  }

  function waitForNewBatch(previous, attempt = 0) {
    if (attempt >= MAX_WAIT_FOR_NEW_BATCH) return;
    setTimeout(async () => {
      await fetchResults();
      if (newestBatch() === previous) waitForNewBatch(previous, attempt + 1);
    }, POLL_INTERVAL);
  }

  document.addEventListener('DOMContentLoaded', () => {
    watchProgress();
    document.querySelectorAll('form[data-personal-links-generate]').forEach((form) => {
      form.addEventListener('submit', () => waitForNewBatch(newestBatch()));
    });
  });
})();
