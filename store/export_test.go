package store

// DecodeStoredValueForTest exposes decodeStoredValue to the external tests.
var DecodeStoredValueForTest = decodeStoredValue
