// The one error type the normalizer throws; nodes turn it into an HTTP status and a message.

export type AlertFormatErrorCode =
  | 'empty'
  | 'invalid-json'
  | 'binary'
  | 'too-large'
  | 'too-deep'
  | 'unknown-format'
  | 'bad-date'
  | 'bad-record'
  | 'several-records';

export class AlertFormatError extends Error {
  readonly code: AlertFormatErrorCode;
  /** 413 for too-large, 400 for everything else. */
  readonly statusCode: number;

  constructor(code: AlertFormatErrorCode, message: string) {
    super(message);
    this.name = 'AlertFormatError';
    this.code = code;
    this.statusCode = code === 'too-large' ? 413 : 400;
  }
}
