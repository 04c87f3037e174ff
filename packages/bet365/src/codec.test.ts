import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  decodeBody,
  decodeClientFrame,
  decodeMessage,
  decodeRecord,
  decodeServerFrame,
  encodeBody,
  encodeClientHandshake,
  encodeFrame,
  encodeHandshakeReply,
  encodeMessage,
  encodeSubscribe,
  plainRecord,
  recordField,
  ZapDecodeError,
  type ServerFrame,
  type ZapMessage,
  type ZapRecord,
} from './codec'
import { fixturePath, inPlay2026Body } from './fixtures'

/** A fixture file exactly as stored (comments included). */
const raw = (name: string): string => readFileSync(fixturePath(name), 'utf8')

/** A decoded message with plain records (decoded records build their field map lazily). */
const plain = (m: ZapMessage): ZapMessage => ({ ...m, records: m.records.map(plainRecord) })

const messagesOf = (frame: ServerFrame): ZapMessage[] => {
  if (frame.kind !== 'messages') throw new Error('expected messages')
  return frame.messages.map(plain)
}

const decodeError = (fn: () => unknown): string => {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(ZapDecodeError)
    return (e as ZapDecodeError).reason
  }
  throw new Error('expected a ZapDecodeError')
}

describe('every real frame of the captures, display form turned into wire form', () => {
  it('MohamedRouatbi: JS literals with \\u00XX escapes are the wire bytes', () => {
    const lines = raw('MohamedRouatbi_realtime-sports-scraper__test-zap-parser_captured.txt')
      .split('\n')
      .filter((l) => l.startsWith("'"))
      .map((l) =>
        l
          .slice(1, -1)
          .replace(/\\u00([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
      )
    expect(lines).toHaveLength(4)
    expect(decodeServerFrame(lines[0]!)).toEqual({
      kind: 'handshake',
      status: '101',
      connectionId: 'I1BRW41-LXBD4mJRPgQl',
    })
    expect(decodeServerFrame(lines[1]!)).toEqual({
      kind: 'handshake',
      status: '100',
      connectionId: 'IR3UD05-frWresQhcevh',
    })
    expect(messagesOf(decodeServerFrame(lines[2]!))).toEqual([
      {
        kind: 'load',
        topic: '__time',
        op: 'F',
        records: [{ type: 'IN', fields: { TI: '20251116152627721', UF: '55' } }],
      },
    ])
    const [er] = messagesOf(decodeServerFrame(lines[3]!))
    expect(er!.topic).toBe('S_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX000003')
    expect(er!.records).toEqual([
      { type: 'ER', fields: { RT: '2', IT: 'S_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX000003' } },
    ])
    // Each real frame encodes back to the same bytes.
    for (const line of lines.slice(2)) {
      expect(encodeFrame(messagesOf(decodeServerFrame(line)))).toBe(line)
    }
  })

  it('antibagr har: raw control bytes (DevTools dropped the trailing \\x00 of handshakes)', () => {
    const text = raw('antibagr_Bet365-parser__www.bet365.com_ws.har.txt')
    const isHandshake = (l: string) => /^1\d\d$/.test(l.slice(0, 3)) && l[3] === '\x02'
    const frames = text
      .split('\n')
      .filter((l) => l.charCodeAt(0) < 0x20 || l[0] === '#' || isHandshake(l))
    const server = frames.filter(isHandshake)
    expect(server).toHaveLength(8)
    for (const f of server) {
      const d = decodeServerFrame(f)
      expect(d.kind).toBe('handshake')
    }
    expect(decodeServerFrame('101\x02I3PRW19-rPL1qEyso6KF')).toEqual({
      kind: 'handshake',
      status: '101',
      connectionId: 'I3PRW19-rPL1qEyso6KF',
    })
    const clients = frames.filter((l) => l.startsWith('#\x03P\x01'))
    expect(clients).toHaveLength(4)
    const hs = decodeClientFrame(clients[0]!)
    expect(hs).toEqual({
      kind: 'handshake',
      topics: ['__time', 'P-ENDP', 'P_CONFIG', 'RPB25908_1_3', 'OVInPlay_1_3', 'DR2S11_1_0'],
      sessionId: 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX000003',
      token: '<REDACTED-base64-len824>',
    })
    const er = frames.find((l) => l.startsWith('\x14'))!
    expect(messagesOf(decodeServerFrame(er))[0]!.records[0]!.type).toBe('ER')
    // `\x1d` frames: DPT "Close Request" (README "Frame types"), a control frame, not a bad one.
    expect(frames.filter((l) => l === '\x1d')).toHaveLength(3)
    expect(decodeServerFrame('\x1d')).toEqual({ kind: 'control', control: 'close', headers: '' })
    expect(decodeServerFrame('\x1920261129180000000')).toEqual({
      kind: 'control',
      control: 'ping',
      headers: '20261129180000000',
    })
    expect(decodeError(() => decodeServerFrame('\x1c'))).toBe('unknown type byte 0x1c')
    // `\x16` alone (display cut it short) is not a complete subscribe.
    expect(decodeError(() => decodeClientFrame('\x16'))).toBe('unknown client frame')
  })

  it('davccavalcante #2: Python escapes', () => {
    const [reply, sub] = raw('issue_davccavalcante_bet365-api-scraper_2_handshake.txt')
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) =>
        l.replace(/\\x([0-9a-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
      )
    expect(decodeServerFrame(reply!)).toEqual({
      kind: 'handshake',
      status: '100',
      connectionId: 'I1PIP050-ZJArK7R8HP9J',
    })
    const topics = ['P-ENDP', 'P_CONFIG', 'OVInPlay_24_0', 'Media_L24_Z0']
    expect(decodeClientFrame(sub!)).toEqual({ kind: 'subscribe', topics })
    expect(encodeSubscribe(topics)).toBe(sub)
  })

  it('mahendrakalkura #3: Python repr of a client log', () => {
    const text = raw('issue_mahendrakalkura_www.bet365.com_3_client_log.txt')
    expect(text).toContain("u'100\\x02I1PIP11-qby4k03MSJIJ\\x00'")
    expect(decodeServerFrame('100\x02I1PIP11-qby4k03MSJIJ\x00')).toMatchObject({ status: '100' })
    expect(text).toContain('#\\\\x03P\\\\x01__time,S_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX000003\\\\x00')
    const handshake = '#\x03P\x01__time,S_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX000003\x00'
    expect(
      encodeClientHandshake({
        topics: ['__time'],
        sessionId: 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX000003',
      }),
    ).toBe(handshake)
    const subs = [...text.matchAll(/"u'\\\\x16\\\\x00([^\\]+)\\\\x01'"/g)].map((m) => m[1]!)
    expect(subs).toHaveLength(10)
    for (const t of subs) {
      expect(decodeClientFrame(`\x16\x00${t}\x01`)).toEqual({ kind: 'subscribe', topics: [t] })
    }
    expect(text).toContain("u'\\x14__time\\x01F|IN;TI=20171127171439306;UF=55;|'")
    const [m] = messagesOf(decodeServerFrame('\x14__time\x01F|IN;TI=20171127171439306;UF=55;|'))
    expect(m!.records[0]!.fields.TI).toBe('20171127171439306')
  })

  it('mahendrakalkura #1 (Chrome frames): control bytes dropped by DevTools are put back', () => {
    const text = raw('issue_mahendrakalkura_www.bet365.com_1_chrome_frames.txt')
    expect(text).toContain('__timeF|IN;TI=20171103074409624;UF=55;|')
    expect(
      messagesOf(decodeServerFrame('\x14__time\x01F|IN;TI=20171103074409624;UF=55;|'))[0]!.topic,
    ).toBe('__time')
    expect(text).toContain('100M33-0UK6z8SxMrcy')
    expect(decodeServerFrame('100\x02M33-0UK6z8SxMrcy\x00')).toMatchObject({
      connectionId: 'M33-0UK6z8SxMrcy',
    })
    expect(
      decodeClientFrame('\x16\x00CONFIG_10_0,OVInPlay_10_0,Media_L10_Z0,XL_L10_Z0_C1_W1\x01'),
    ).toMatchObject({ topics: ['CONFIG_10_0', 'OVInPlay_10_0', 'Media_L10_Z0', 'XL_L10_Z0_C1_W1'] })
    expect(decodeClientFrame('\x16\x006V68117822C1A_10_0\x01')).toMatchObject({
      topics: ['6V68117822C1A_10_0'],
    })
    // The loads the user cut with "....." are truncated frames: rejected, never half-read.
    for (const cut of [
      'CONFIG_10_0F|CG;AM=0;AQ=0;CB=0;CM=1;CP=0;CW=1;DM=0',
      'OVInPlay_10_0F|CL;CD=1;FF=;',
    ]) {
      const i = cut.indexOf('F|')
      const wire = `\x14${cut.slice(0, i)}\x01${cut.slice(i)}`
      expect(decodeError(() => decodeServerFrame(wire))).toMatch(/truncated|record/)
    }
  })

  it('mahendrakalkura #4 and #5: __time deltas, EMPTY notice bundled with __time', () => {
    expect(raw('issue_mahendrakalkura_www.bet365.com_4_time_delta.txt')).toContain(
      '__timeU|IN;TI=20181021235542593;UF=55;|',
    )
    expect(
      messagesOf(decodeServerFrame('\x15__time\x01U|IN;TI=20181021235542593;UF=55;|')),
    ).toEqual([
      {
        kind: 'delta',
        topic: '__time',
        op: 'U',
        records: [{ type: 'IN', fields: { TI: '20181021235542593', UF: '55' } }],
      },
    ])
    const log = raw('issue_mahendrakalkura_www.bet365.com_5_two_socket_log.txt')
    const display =
      'EMPTYF|IN;EM=1;TO= S_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX000003;|__timeF|IN;TI=20180922105115782;UF=55;|'
    expect(log).toContain(display)
    const wire =
      '\x14EMPTY\x01F|IN;EM=1;TO= S_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX000003;|' +
      '\x08\x14__time\x01F|IN;TI=20180922105115782;UF=55;|'
    const ms = messagesOf(decodeServerFrame(wire))
    expect(ms.map((m) => m.topic)).toEqual(['EMPTY', '__time'])
    expect(ms[0]!.records[0]!.fields).toEqual({
      EM: '1',
      TO: ' S_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX000003',
    })
    expect(encodeFrame(ms)).toBe(wire)
    expect(log).toContain('100I1PIP26-A7S4Zz1Bmxcq')
    expect(decodeServerFrame('100\x02I1PIP26-A7S4Zz1Bmxcq\x00')).toMatchObject({ status: '100' })
    expect(
      messagesOf(decodeServerFrame('\x15__time\x01U|IN;TI=20180922105149283;UF=55;|')),
    ).toHaveLength(1)
    // The log's last line is cut mid-field: a truncated frame.
    expect(log).toContain('__timeU|IN;TI=2018092210')
    expect(decodeError(() => decodeServerFrame('\x15__time\x01U|IN;TI=2018092210'))).toBe(
      'truncated body',
    )
  })

  it('the remaining real frames: every client handshake, subscribe and cut load of the logs', () => {
    // antibagr har: all four client handshakes (raw bytes; DevTools dropped the final \x00).
    const har = raw('antibagr_Bet365-parser__www.bet365.com_ws.har.txt')
    const handshakes = har.split('\n').filter((l) => l.startsWith('#\x03P\x01'))
    expect(handshakes.map((l) => decodeClientFrame(l))).toEqual(
      handshakes.map((l) => ({
        kind: 'handshake',
        topics: l.includes('P_CONFIG')
          ? ['__time', 'P-ENDP', 'P_CONFIG', 'RPB25908_1_3', 'OVInPlay_1_3', 'DR2S11_1_0']
          : ['__time', 'P-ENDP'],
        sessionId: 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX000003',
        token: /A_(<[^>]+>)/.exec(l)![1],
      })),
    )
    // mahendrakalkura #1: the client handshake in display form, and the other two cut loads.
    const chrome = raw('issue_mahendrakalkura_www.bet365.com_1_chrome_frames.txt')
    expect(chrome).toContain('#P__time,S_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX000003')
    expect(
      decodeClientFrame('#\x03P\x01__time,S_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX000003\x00'),
    ).toEqual({
      kind: 'handshake',
      topics: ['__time'],
      sessionId: 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX000003',
      token: null,
    })
    for (const [topic, body] of [
      ['Media_L10_Z0', 'F|EV;AU=0;C1=1;C2=35120382;CB=ASAUCKFJNCNZPFPGSB'],
      ['6V68117822C1A_10_0', 'F|EV;AM=;AS=;AU=0;C1=1;C2=35120382;C3=68362347;'],
    ] as const) {
      expect(chrome).toContain(`${topic}${body}`)
      expect(decodeError(() => decodeServerFrame(`\x14${topic}\x01${body}`))).toBe('truncated body')
    }
    // mahendrakalkura #5: the private socket's handshake reply and the data socket's subscribe.
    const log = raw('issue_mahendrakalkura_www.bet365.com_5_two_socket_log.txt')
    expect(log).toContain('2recv: 100IRUD10-3/Y1bMOL+Mhn')
    expect(decodeServerFrame('100\x02IRUD10-3/Y1bMOL+Mhn\x00')).toEqual({
      kind: 'handshake',
      status: '100',
      connectionId: 'IRUD10-3/Y1bMOL+Mhn',
    })
    const topics = ['__host', 'CONFIG_10_0', 'OVInPlay_10_0', 'Media_L10_Z0', 'XL_L10_Z0_C1_W3']
    expect(log).toContain(`write: ${topics.join(',')}`)
    expect(decodeClientFrame(`\x16\x00${topics.join(',')}\x01`)).toEqual({
      kind: 'subscribe',
      topics,
    })
    // A private-socket message whose body is a bare op letter: no documented form, so the
    // feed (which never reads that socket) would count it as a bad frame rather than guess.
    expect(log).toContain('2recv: -11111_SPTBK_10_MSGF')
    expect(decodeError(() => decodeServerFrame('\x14-11111_SPTBK_10_MSG\x01F'))).toBe(
      'no | after body op',
    )
  })

  it('robert-7: a 2026 __time load body', () => {
    const body = raw('robert-7_Bet365-Odds-Websocket-Delta-Parser__test_state_manager_time.txt')
      .split('\n')
      .find((l) => l.startsWith('F|'))!
    const [m] = messagesOf(decodeServerFrame(`\x14__time\x01${body}`))
    expect(m!.records[0]!.fields.TI).toBe('20260220013254042')
  })

  it('the 2017 OVInPlay_1_3 dump: fragments cut at a record boundary decode, the cut ends do not', () => {
    const text = raw('issue_mahendrakalkura_diffusion_1_OVInPlay_1_3_dump.txt')
    const [, frag1, frag2] = text.split(/^# --- fragment \d.*$/m).map((f) => f.replace(/\n/g, ''))
    // The paste starts right after "F|CL;" and the hard line breaks are not wire data.
    const load = `\x14OVInPlay_1_3\x01F|CL;${frag1}`
    expect(decodeError(() => decodeServerFrame(load))).toBe('truncated body')
    const whole = load.slice(0, load.lastIndexOf('|') + 1)
    const [m] = messagesOf(decodeServerFrame(whole))
    expect(m!.records.map((r) => r.type)).toEqual(['CL', 'CT', 'EV', 'MA', 'PA', 'PA', 'PA', 'CT'])
    expect(m!.records[2]!.fields.NA).toBe('Pogradeci v Partizani Tirana')
    expect(m!.records[4]!.fields).toMatchObject({ NA: 'Pogradeci', OD: '6/1', SU: '1' })
    const tail = frag2!.slice(frag2!.indexOf('|') + 1, frag2!.lastIndexOf('|') + 1)
    const body = decodeBody(`F|${tail}`)
    expect(body.records.filter((r) => r.type === 'PA').map((r) => r.fields.NA)).toEqual([
      'Amuka Bright Stars FC',
      'Draw',
      'Agape SS FC',
      'Busia Fisheries',
      'Draw',
      'Bukedea TC FC',
    ])
  })

  it('the 2026 in-play load body decodes to 310 records and encodes back byte for byte', () => {
    const body = inPlay2026Body()
    expect(body.length).toBe(55_869)
    const wire = `\x14OVInPlay_1_3\x01${body}`
    const [m] = messagesOf(decodeServerFrame(wire))
    expect(m!.records).toHaveLength(310)
    expect(m!.records.filter((r) => r.type === 'CL').map((r) => r.fields.NA)).toEqual([
      'Soccer',
      'Tennis',
      'Cricket',
      'American Football',
    ])
    expect(encodeMessage(m!)).toBe(wire)
  })

  it('lazily built field maps equal a naive split of every 2026 record; IT and OD read early', () => {
    const body = inPlay2026Body()
    const naive = body
      .slice(2, -1)
      .split('|')
      .map((rec) => {
        const parts = rec.split(';').slice(0, -1)
        const type = parts[0]!.includes('=') ? '' : parts.shift()!
        return { type, fields: Object.fromEntries(parts.map((p) => [p.slice(0, 2), p.slice(3)])) }
      })
    const { records } = decodeBody(body)
    // Before any field map is built: IT and OD come straight from the wire text.
    expect(records.map((r) => recordField(r, 'IT'))).toEqual(naive.map((r) => r.fields.IT))
    expect(records.map((r) => recordField(r, 'OD'))).toEqual(naive.map((r) => r.fields.OD))
    expect(records.map(plainRecord)).toEqual(naive)
    const r = records[1]!
    r.fields.NA = 'changed'
    expect(recordField(r, 'NA')).toBe('changed')
  })

  it("the seed's delta examples (display form, control bytes put back)", () => {
    const u = '\x15OV190321250C13A_32_0\x01U|PI=0,1;XP=0-0;SS=3-6,1-0;|'
    expect(plain(decodeMessage(u))).toEqual({
      kind: 'delta',
      topic: 'OV190321250C13A_32_0',
      op: 'U',
      records: [{ type: '', fields: { PI: '0,1', XP: '0-0', SS: '3-6,1-0' } }],
    })
    const mixed = [
      '\x15OV190340113-701873422_32_0\x01U|OD=4/1;|',
      '\x15OV190340113-701873420_32_0\x01U|OD=1/6;|',
      u,
    ].join('\x08')
    const ms = messagesOf(decodeServerFrame(mixed))
    expect(ms.map((m) => m.records[0]!.fields.OD ?? m.records[0]!.fields.SS)).toEqual([
      '4/1',
      '1/6',
      '3-6,1-0',
    ])
    expect(encodeFrame(ms)).toBe(mixed)
    expect(decodeMessage('\x15OV190321250C13A_32_0\x01D||')).toMatchObject({ op: 'D', records: [] })
    expect(encodeBody('D', [])).toBe('D||')
    // The seed prints the heartbeat without its op letter; on the wire it is a U delta.
    const [hb] = messagesOf(decodeServerFrame('\x15__time\x01U|IN;TI=20260225235708061;UF=10;|'))
    expect(hb!.records[0]!.fields).toEqual({ TI: '20260225235708061', UF: '10' })
  })
})

describe('bad input: the typed error, and nothing else', () => {
  it('rejects an unknown type byte, a truncated frame, a field without =', () => {
    expect(decodeError(() => decodeServerFrame('\x13__time\x01F|IN;TI=1;|'))).toBe(
      'unknown type byte 0x13',
    )
    expect(decodeError(() => decodeServerFrame('\x15OV1_32_0'))).toBe(
      'truncated message: no topic end',
    )
    expect(decodeError(() => decodeServerFrame('\x15OV1_32_0\x01U|XP=0-1;SS=1-0'))).toBe(
      'truncated body',
    )
    expect(decodeError(() => decodeServerFrame('\x15OV1_32_0\x01U|XP=0-1;SS;|'))).toBe(
      'field without =',
    )
    expect(decodeError(() => decodeRecord('EV;NA=x'))).toBe('record not ;-terminated')
    expect(decodeError(() => decodeServerFrame('\x15OV1\x01X|A=1;|'))).toBe('unknown body op')
    expect(decodeError(() => decodeServerFrame('200\x02abc\x00'))).toBe(
      'unknown handshake status 200',
    )
    expect(decodeError(() => decodeServerFrame(''))).toBe('empty message')
    // One bad message rejects the whole frame.
    expect(
      decodeError(() => decodeServerFrame('\x15A\x01U|XP=0-0;|\x08\x15B\x01U|XP=0-0;SS;|')),
    ).toBe('field without =')
  })

  it('arbitrary text never throws anything but ZapDecodeError (fast-check)', () => {
    const alphabet = fc.constantFrom(
      ...'\x00\x01\x02\x03\x08\x14\x15\x16|;=,-/ABCDEFIPTUXOS01_#'.split(''),
    )
    const arbitraryFrame = fc.oneof(
      fc.string(),
      fc.string({ unit: alphabet, maxLength: 60 }),
      fc.string({ unit: alphabet, maxLength: 60 }).map((s) => `\x15${s}`),
      fc.string({ unit: alphabet, maxLength: 60 }).map((s) => `\x14OV\x01${s}`),
      fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b).toString('utf8')),
    )
    fc.assert(
      fc.property(arbitraryFrame, (text) => {
        for (const decode of [decodeServerFrame, decodeClientFrame]) {
          try {
            decode(text)
          } catch (e) {
            if (!(e instanceof ZapDecodeError)) throw e
          }
        }
      }),
      { numRuns: 2000 },
    )
  })
})

describe('encode → decode round trip (fast-check)', () => {
  const key = fc
    .tuple(
      fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split('')),
      fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split('')),
    )
    .map(([a, b]) => a + b)
  const value = fc
    .string({ maxLength: 20 })
    .filter((s) => ![...s].some((c) => c === ';' || c === '|' || c.charCodeAt(0) < 0x20))
  const record: fc.Arbitrary<ZapRecord> = fc.record({
    type: fc.constantFrom('', 'CL', 'CT', 'EV', 'MA', 'PA', 'IN', 'ER'),
    fields: fc.dictionary(key, value, { minKeys: 1, maxKeys: 8 }),
  })
  const message: fc.Arbitrary<ZapMessage> = fc.record({
    kind: fc.constantFrom('load' as const, 'delta' as const),
    topic: fc.stringMatching(/^[A-Za-z0-9_-]{1,24}$/),
    op: fc.constantFrom('F' as const, 'U' as const, 'I' as const, 'D' as const),
    records: fc.array(record, { maxLength: 6 }),
  })

  it('frames of random records decode to what was encoded', () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 4 }), (messages) => {
        const decoded = messagesOf(decodeServerFrame(encodeFrame(messages)))
        expect(decoded).toEqual(messages)
      }),
      { numRuns: 500 },
    )
  })

  it('handshake replies, client handshakes and subscribes round trip', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('100' as const, '101' as const, '111' as const),
        fc.stringMatching(/^[A-Za-z0-9+/-]{0,24}$/),
        fc.array(fc.stringMatching(/^[A-Za-z0-9_-]{1,16}$/), { minLength: 1, maxLength: 5 }),
        fc.stringMatching(/^[A-F0-9]{38}$/),
        fc.option(fc.stringMatching(/^[A-Za-z0-9+/=]{1,40}$/), { nil: undefined }),
        (status, id, topics, sessionId, token) => {
          expect(decodeServerFrame(encodeHandshakeReply(status, id))).toEqual({
            kind: 'handshake',
            status,
            connectionId: id,
          })
          const clean = topics.filter((t) => !t.startsWith('S_') && !t.startsWith('A_'))
          const hs = encodeClientHandshake({
            topics: clean,
            sessionId,
            ...(token !== undefined ? { token } : {}),
          })
          expect(decodeClientFrame(hs)).toEqual({
            kind: 'handshake',
            topics: clean,
            sessionId,
            token: token ?? null,
          })
          expect(decodeClientFrame(encodeSubscribe(topics))).toEqual({ kind: 'subscribe', topics })
        },
      ),
    )
  })
})
