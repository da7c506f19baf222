package main

import (
	"github.com/anbao/anbao"
	"github.com/anbao/anbao/i18n"
)

func describeKey(e *anbao.Error) string {
	msg := i18n.T("en", e.Key, e.Args...)
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	return msg
}
