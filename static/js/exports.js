// Progressive enhancement for /exports/: follow each unfinished export without a reload.
//
// The page is complete without this script: it shows each export's status as it was when
// the page was made, and a refresh shows the latest. With it, every queued or running row
// polls its JSON status (/api/v1/exports/<id>/, the same as the API's) and updates its
// progress bar, percentage, status tag and download link; a polite live region tells
// screen reader users when an export is ready or has failed.

const POLL_INTERVAL_MS = 2000
const MAX_FAILURES = 5

const TAGS = {
  queued: { text: 'Queued', modifier: 'govuk-tag--grey' },
  running: { text: 'Running', modifier: 'govuk-tag--blue' },
  done: { text: 'Ready', modifier: 'govuk-tag--green' },
  failed: { text: 'Failed', modifier: 'govuk-tag--red' },
  expired: { text: 'Expired', modifier: 'govuk-tag--grey' }
}

const announcer = document.getElementById('export-announcer')

function isUnfinished (status) {
  return status === 'queued' || status === 'running'
}

function announce (message) {
  if (announcer) {
    announcer.textContent = message
  }
}

function formatSize (bytes) {
  if (bytes == null) return ''
  if (bytes < 1024) return `${bytes} bytes`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`
}

function renderTag (row, status) {
  const tag = row.querySelector('[data-export-tag]')
  const look = TAGS[status]
  if (!tag || !look) return
  tag.className = `govuk-tag ${look.modifier}`
  tag.textContent = look.text
}

function renderProgress (row, job) {
  const box = row.querySelector('[data-export-progress]')
  if (!box) return
  if (!isUnfinished(job.status)) {
    box.remove()
    return
  }
  const bar = box.querySelector('progress')
  const percent = box.querySelector('[data-export-percent]')
  bar.value = job.progress
  bar.textContent = `${job.progress}%`
  percent.textContent = `${job.progress}%`
}

function renderFile (row, job) {
  const cell = row.querySelector('[data-export-file]')
  if (!cell || isUnfinished(job.status)) return
  cell.replaceChildren()
  const label = row.dataset.exportLabel
  if (job.status === 'done') {
    const link = document.createElement('a')
    link.className = 'govuk-link'
    link.href = row.dataset.downloadUrl
    link.setAttribute('download', '')
    link.textContent = 'Download'
    const hidden = document.createElement('span')
    hidden.className = 'govuk-visually-hidden'
    hidden.textContent = ` ${label}`
    link.append(hidden)
    const details = document.createElement('span')
    details.className = 'govuk-body-s'
    details.textContent = `${formatSize(job.file_size)}, ${job.rows_written} row${job.rows_written === 1 ? '' : 's'}.`
    cell.append(link, document.createElement('br'), details)
    announce(`Your export ${label} is ready to download.`)
  } else if (job.status === 'failed') {
    const message = document.createElement('p')
    message.className = 'govuk-body-s govuk-!-margin-bottom-0'
    message.dataset.exportError = ''
    message.textContent = `The export failed: ${job.error}. Start it again; if it fails again, tell the portal's editors.`
    cell.append(message)
    announce(`Your export ${label} failed.`)
  }
}

function render (row, job) {
  row.dataset.exportStatus = job.status
  renderTag(row, job.status)
  renderProgress(row, job)
  renderFile(row, job)
}

function follow (row) {
  let failures = 0

  async function poll () {
    if (document.visibilityState === 'hidden') {
      window.setTimeout(poll, POLL_INTERVAL_MS)
      return
    }
    try {
      const response = await fetch(row.dataset.exportUrl, {
        headers: { Accept: 'application/json' },
        credentials: 'same-origin'
      })
      if (!response.ok) throw new Error(`Status ${response.status}`)
      const job = await response.json()
      failures = 0
      render(row, job)
      if (!isUnfinished(job.status)) return
    } catch (error) {
      failures += 1
      // Leave the server-rendered status and its "refresh the page" link in charge.
      if (failures >= MAX_FAILURES) return
    }
    window.setTimeout(poll, POLL_INTERVAL_MS * (failures + 1))
  }

  window.setTimeout(poll, POLL_INTERVAL_MS)
}

for (const row of document.querySelectorAll('[data-export-url]')) {
  if (isUnfinished(row.dataset.exportStatus)) {
    follow(row)
  }
}
