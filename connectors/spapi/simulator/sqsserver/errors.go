package sqsserver

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// apiError is an SQS error in the JSON protocol's shape: the __type and
// message in the body, the legacy query-protocol code and fault in the
// X-Amzn-Query-Error header (the SDK reports that code as ErrorCode()).
type apiError struct {
	Status    int
	Type      string // the JSON protocol's shape name, without namespace
	QueryCode string // the legacy code, e.g. AWS.SimpleQueueService.NonExistentQueue
	Message   string
}

func (e *apiError) Error() string { return e.QueryCode + ": " + e.Message }

func writeError(w http.ResponseWriter, e *apiError) {
	fault := "Sender"
	if e.Status >= 500 {
		fault = "Receiver"
	}
	w.Header().Set("X-Amzn-Query-Error", e.QueryCode+";"+fault)
	namespace := "com.amazonaws.sqs#"
	if e.Type == "UnknownOperationException" {
		namespace = "com.amazon.coral.service#"
	}
	writeJSON(w, e.Status, map[string]string{"__type": namespace + e.Type, "message": e.Message})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		status, data = http.StatusInternalServerError, []byte(`{"__type":"com.amazonaws.sqs#InternalError","message":"encoding the response failed"}`)
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("X-Amzn-RequestId", requestID())
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

func errUnknownOperation(target string) *apiError {
	return &apiError{http.StatusBadRequest, "UnknownOperationException", "UnknownOperationException",
		fmt.Sprintf("operation %q is not supported", target)}
}

func errQueueDoesNotExist() *apiError {
	return &apiError{http.StatusBadRequest, "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue",
		"The specified queue does not exist."}
}

func errQueueNameExists(name string) *apiError {
	return &apiError{http.StatusBadRequest, "QueueNameExists", "QueueAlreadyExists",
		fmt.Sprintf("A queue already exists with the same name and a different value for attribute(s) of %s.", name)}
}

func errReceiptHandleIsInvalid(handle string) *apiError {
	return &apiError{http.StatusBadRequest, "ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid",
		fmt.Sprintf("The input receipt handle %q is not a valid receipt handle.", handle)}
}

func errMessageNotInflight() *apiError {
	return &apiError{http.StatusBadRequest, "MessageNotInflight", "AWS.SimpleQueueService.MessageNotInflight",
		"The message referred to isn't in flight."}
}

func errInvalidAttributeName(name string) *apiError {
	return &apiError{http.StatusBadRequest, "InvalidAttributeName", "InvalidAttributeName",
		fmt.Sprintf("Unknown Attribute %s.", name)}
}

func errMissingParameter(name string) *apiError {
	return &apiError{http.StatusBadRequest, "MissingParameter", "MissingParameter",
		fmt.Sprintf("The request must contain the parameter %s.", name)}
}

func errInvalidParameter(reason string) *apiError {
	return &apiError{http.StatusBadRequest, "InvalidParameterValue", "InvalidParameterValue", reason}
}

// errOutOfRange is InvalidParameterValue for a number outside its range,
// worded as AWS words it.
func errOutOfRange(param string, v int64, lo, hi int64) *apiError {
	return errInvalidParameter(fmt.Sprintf("Value %d for parameter %s is invalid. Reason: Must be between %d and %d, if provided.", v, param, lo, hi))
}
