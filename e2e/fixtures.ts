import { test as base } from '@playwright/test'
import { startProxy, type ProxyProcess } from './proxy'

/**
 * `test` with a worker-scoped `oddsProxy`: one real proxy in default (sim) mode per worker,
 * on an ephemeral port; `page.goto('/')` is relative to it.
 */
export const test = base.extend<object, { oddsProxy: ProxyProcess }>({
  oddsProxy: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const proxy = await startProxy()
      await use(proxy)
      await proxy.stop()
    },
    { scope: 'worker' },
  ],
  baseURL: async ({ oddsProxy }, use) => use(oddsProxy.url),
})

export { expect } from '@playwright/test'
