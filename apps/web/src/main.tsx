import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { startBench } from './bench'
import { connectRelay } from './sync/store'
import { startHotTrend } from './state/hotTrend'
import { App } from './App'
import './styles.css'

// `?bench=N` renders N synthetic rows fed in-page (no proxy); otherwise connect to the relay.
const params = new URLSearchParams(location.search)
const benchRows = Number(params.get('bench'))
const bench =
  Number.isInteger(benchRows) && benchRows > 0
    ? { rows: Math.min(benchRows, 100_000), rate: Number(params.get('rate')) || 1000 }
    : undefined
if (bench) startBench(bench.rows, bench.rate, params.get('stale') === '1')
else {
  connectRelay()
  startHotTrend()
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App bench={bench} />
  </StrictMode>,
)
