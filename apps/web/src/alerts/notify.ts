import type { AlertFire } from './evaluate'
import type { Severity } from './rules'

/**
 * The browser side of an alert: a system notification (the Notification API) and a short
 * generated tone (Web Audio; no sound file is downloaded).
 */

/** The notification permission now: 'granted' | 'denied' | 'default', or 'unsupported'. */
export function notificationPermission(): NotificationPermission | 'unsupported' {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission
}

/**
 * Asks for permission to show notifications. Call it only from a user gesture (a click):
 * browsers ignore or penalize a request made on their own.
 */
export async function askNotificationPermission(): Promise<NotificationPermission | 'unsupported'> {
  if (typeof Notification === 'undefined') return 'unsupported'
  try {
    return await Notification.requestPermission()
  } catch {
    return Notification.permission
  }
}

/**
 * Shows `fire` as a notification when permission is granted, with `tag` = the rule id so a
 * rule that fires again replaces its previous notification instead of stacking.
 */
export function notify(fire: AlertFire): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return
  try {
    new Notification(fire.title, { body: fire.body, tag: fire.ruleId })
  } catch {
    /* e.g. a platform that allows notifications from a service worker only */
  }
}

/** Tone per severity: pitch (Hz) and number of beeps. */
const TONES: Readonly<Record<Severity, { hz: number; beeps: number }>> = {
  info: { hz: 660, beeps: 1 },
  warn: { hz: 880, beeps: 2 },
  alarm: { hz: 1175, beeps: 3 },
}

let ctx: AudioContext | null = null

/** The page's one AudioContext, created on first use (resumed by {@link unlockAudio} on a click). */
function audio(): AudioContext | null {
  if (ctx === null && typeof AudioContext !== 'undefined') {
    try {
      ctx = new AudioContext()
    } catch {
      return null
    }
  }
  return ctx
}

/** Creates or resumes the audio context; call from a user gesture so later tones may play. */
export function unlockAudio(): void {
  void audio()?.resume?.()
}

/** Plays the severity's tone: 1–3 beeps of 120 ms, a sine with a short fade so it does not click. */
export function playTone(severity: Severity): void {
  const ac = audio()
  if (ac === null) return
  const { hz, beeps } = TONES[severity]
  const t0 = ac.currentTime + 0.01
  for (let i = 0; i < beeps; i++) {
    const start = t0 + i * 0.18
    const osc = ac.createOscillator()
    const gain = ac.createGain()
    osc.type = 'sine'
    osc.frequency.value = hz
    gain.gain.setValueAtTime(0.0001, start)
    gain.gain.exponentialRampToValueAtTime(0.2, start + 0.015)
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.12)
    osc.connect(gain).connect(ac.destination)
    osc.start(start)
    osc.stop(start + 0.13)
  }
}
