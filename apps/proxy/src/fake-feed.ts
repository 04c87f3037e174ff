// The hand-driven test feed lives with the other test doubles in feedkit.
export { FakeFeed } from '@oddsboard/feedkit/testing'
