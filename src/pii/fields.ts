// The fields of customers and leads: which are PII, their limits and validation, and how PII looks
// masked. Input is checked here, whole, before a change touches the database.
import { badInput, tooLong } from '../errors.ts';

export type RecordType = 'Customer' | 'Lead';
export const PII_FIELDS = ['email', 'phone'] as const;
export type PiiField = (typeof PII_FIELDS)[number];
export type PiiValues = Partial<Record<PiiField, string | null>>;

/** Fields other than PII, by type. */
const PLAIN_FIELDS: Record<RecordType, readonly string[]> = { Customer: ['name', 'company', 'notes'], Lead: ['name', 'source'] };

/** Longest value of each field, in characters (email: RFC 5321's path limit). */
export const MAX_LENGTH: Record<string, number> = { name: 200, company: 200, source: 200, notes: 5000, email: 254, phone: 30 };

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{1,63}$/;
const PHONE = /^\+?[0-9 ().-]{4,30}$/;

const isPii = (key: string): key is PiiField => (PII_FIELDS as readonly string[]).includes(key);

/** The trimmed value of a field (empty: null), refused when it is longer than the field allows. */
function bounded(key: string, raw: unknown): string | null {
  const value = typeof raw === 'string' ? raw.trim() || null : null;
  const max = MAX_LENGTH[key]!;
  if (value && value.length > max) throw tooLong(key, max, value.length);
  return value;
}

function piiValue(key: PiiField, value: string | null): string | null {
  if (!value) return value;
  if (key === 'email') {
    if (!EMAIL.test(value)) throw badInput('`email` is not a valid email address.', { field: key });
    return value.toLowerCase();
  }
  if (!PHONE.test(value)) throw badInput('`phone` has 4 to 30 digits, spaces, +, -, ( or ).', { field: key });
  return value;
}

/** Splits an input into plain fields and PII, validated; fields the input leaves out stay out. */
export function cleanInput(type: RecordType, input: Record<string, unknown>, creating: boolean) {
  const plain: Record<string, string | null> = {};
  const pii: PiiValues = {};
  for (const [key, raw] of Object.entries(input)) {
    if (raw === undefined) continue;
    if (isPii(key)) pii[key] = piiValue(key, bounded(key, raw));
    else if (PLAIN_FIELDS[type].includes(key)) plain[key] = bounded(key, raw);
  }
  if (creating && !plain.name) throw badInput(`A ${type.toLowerCase()} needs a name.`);
  if ('name' in plain && !plain.name) throw badInput('`name` cannot be empty.');
  return { plain, pii };
}

/** `j***@example.com`: at most the first character of the local part, and the domain. */
export function maskEmail(email: string | null): string | null {
  if (!email) return email;
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** `***42`: at most the last two digits. */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return phone;
  const digits = phone.replace(/\D/g, '');
  return `***${digits.slice(-2)}`;
}

export const masked = (field: PiiField, value: string | null) => (field === 'email' ? maskEmail(value) : maskPhone(value));
