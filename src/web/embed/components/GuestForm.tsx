import { ApiError } from '../api.js';
import { useD } from '../context.js';
import { useS } from '../lazy.js';
import { solvePow } from '../pow.js';
import { guestToken, post } from '../write.js';
import { Composer } from './Composer.js';
import { Field } from './Field.js';

/** The composer with the guest's name and email (the email is never shown); posts after the proof of work. */
export function GuestForm() {
  const d = useD();
  const s = useS();
  return (
    <Composer
      kind="comment"
      onSubmit={(body, fields) =>
        post(d, body, null, async (path) => {
          const ch = await d.req<{ challenge: string; difficulty: number }>('GET', `${path}guest-challenge`);
          // A failure here is the browser's (no WebCrypto on a plain http page, say), before the comment is sent:
          // said so, not reported as the server being unreachable.
          const nonce = await solvePow(ch.challenge, ch.difficulty).catch((e: unknown) => {
            console.error(e);
            throw new ApiError(0, 'POW_FAILED', s.powFailed);
          });
          return { ...fields, guestToken: guestToken(), challenge: ch.challenge, nonce };
        })
      }
    >
      <Field name="name" label={s.displayName} autoComplete="nickname" testid="guest-name" />
      <Field name="email" type="email" label={s.email} autoComplete="email" hint={s.emailNeverShown} testid="guest-email" />
    </Composer>
  );
}
