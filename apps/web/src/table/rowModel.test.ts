import { describe, expect, it } from 'vitest'
import { tableItems, type Item, type SortColumn } from './rowModel'

interface R {
  id: string
  price?: number
  comp: string
}

const rows: R[] = [
  { id: 'a', price: 3, comp: 'Serie A' },
  { id: 'b', price: 1.5, comp: 'Ligue 1' },
  { id: 'c', comp: 'Serie A' },
  { id: 'd', price: 2, comp: 'Ligue 1' },
]
const columns: SortColumn<R>[] = [
  { id: 'price', sortValue: (r) => r.price },
  { id: 'name' }, // not sortable
]
const base = {
  rows,
  columns,
  sort: null,
  isPinned: () => false,
  expandedId: null,
  hasDetail: true,
}
const keys = (items: Item<R>[]) =>
  items.map((i) => (i.type === 'row' && i.pinned ? `*${i.key}` : i.key))

describe('tableItems', () => {
  it('keeps the rows order without a sort, and with a sort on a column that cannot sort', () => {
    expect(keys(tableItems(base))).toEqual(['a', 'b', 'c', 'd'])
    expect(keys(tableItems({ ...base, sort: { id: 'name', desc: false } }))).toEqual([
      'a',
      'b',
      'c',
      'd',
    ])
  })

  it('sorts both ways with undefined values last', () => {
    expect(keys(tableItems({ ...base, sort: { id: 'price', desc: false } }))).toEqual([
      'b',
      'd',
      'a',
      'c',
    ])
    expect(keys(tableItems({ ...base, sort: { id: 'price', desc: true } }))).toEqual([
      'a',
      'd',
      'b',
      'c',
    ])
  })

  it('sorts numbers as numbers, whatever their digits (margins 0.018… before 0.0405…)', () => {
    const margins = [
      { id: 'tennis', m: (1 / 1.85 + 1 / 2.0 - 1) as number | undefined },
      { id: 'football', m: 1 / 2.2 + 1 / 3.5 + 1 / 3.6 - 1 },
      { id: 'none', m: undefined },
      { id: 'sure', m: -0.0123 },
    ]
    const items = tableItems({
      ...base,
      rows: margins,
      columns: [{ id: 'm', sortValue: (r: (typeof margins)[number]) => r.m }],
      sort: { id: 'm', desc: false },
    })
    expect(items.map((i) => i.key)).toEqual(['sure', 'football', 'tennis', 'none'])
  })

  it('puts pinned rows on top in sort order, out of their groups', () => {
    const items = tableItems({
      ...base,
      sort: { id: 'price', desc: false },
      isPinned: (r) => r.id === 'a' || r.id === 'd',
      groupOf: (r) => r.comp,
    })
    expect(keys(items)).toEqual(['*d', '*a', 'g:Ligue 1', 'b', 'g:Serie A', 'c'])
    expect(
      items.filter((i) => i.type === 'group').map((g) => g.type === 'group' && g.count),
    ).toEqual([1, 1])
  })

  it('follows the expanded row with its detail, only when rows have one', () => {
    expect(keys(tableItems({ ...base, expandedId: 'b' }))).toEqual(['a', 'b', 'd:b', 'c', 'd'])
    expect(keys(tableItems({ ...base, expandedId: 'b', hasDetail: false }))).toEqual([
      'a',
      'b',
      'c',
      'd',
    ])
  })
})
