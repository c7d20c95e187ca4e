/** Bytes that are not a valid OTLP protobuf message, or an id of the wrong length (its field is named). */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
}
