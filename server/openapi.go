package server

import (
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/anbao/anbao"
)

// The OpenAPI 3.1 document is generated from the route table, so it cannot
// drift from the handlers; schemas come from the Go types by reflection.

var pathParamRE = regexp.MustCompile(`\{([a-z_]+)\}`)

type schemaSet struct {
	defs map[string]any
}

func (ss *schemaSet) schemaOf(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 { // json.RawMessage and []byte
			return map[string]any{}
		}
		return map[string]any{"type": "array", "items": ss.schemaOf(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": ss.schemaOf(t.Elem())}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		name := schemaName(t)
		if _, ok := ss.defs[name]; !ok {
			ss.defs[name] = nil // reserve against recursion
			props := map[string]any{}
			ss.fields(t, props)
			ss.defs[name] = map[string]any{"type": "object", "properties": props}
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

func (ss *schemaSet) fields(t reflect.Type, props map[string]any) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			ss.fields(ft, props)
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = ss.schemaOf(f.Type)
	}
}

// schemaName names a type for components: its name, with generic arguments folded in.
func schemaName(t reflect.Type) string {
	n := t.Name()
	if i := strings.IndexByte(n, '['); i >= 0 {
		inner := n[i+1 : len(n)-1]
		if j := strings.LastIndexAny(inner, "./"); j >= 0 {
			inner = inner[j+1:]
		}
		inner = strings.TrimPrefix(inner, "*")
		n = n[:i] + "Of" + inner
	}
	return n
}

func (s *Server) openAPI() map[string]any {
	ss := &schemaSet{defs: map[string]any{}}
	errRef := ss.schemaOf(reflect.TypeOf(ErrorBody{}))
	paths := map[string]any{}
	for _, rt := range s.routes {
		op := map[string]any{"operationId": rt.OpID, "summary": rt.Summary, "tags": []string{rt.Tag}}
		var params []any
		for _, m := range pathParamRE.FindAllStringSubmatch(rt.Path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		for _, q := range rt.Query {
			sch := map[string]any{"type": q.Type}
			if len(q.Enum) > 0 {
				sch["enum"] = q.Enum
			}
			params = append(params, map[string]any{"name": q.Name, "in": "query", "description": q.Desc, "schema": sch})
		}
		if rt.Method == http.MethodPost {
			params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header",
				"description": "retries with the same key and body have one effect", "schema": map[string]any{"type": "string", "maxLength": 200}})
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.Body != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": ss.schemaOf(reflect.TypeOf(rt.Body))}}}
		}
		errResp := map[string]any{"description": "error", "content": map[string]any{"application/json": map[string]any{"schema": errRef}}}
		resp := map[string]any{"default": errResp}
		if rt.Resp == nil {
			resp[strconv.Itoa(rt.Status)] = map[string]any{"description": "done"}
		} else {
			var schema map[string]any
			if alts, ok := rt.Resp.(oneOf); ok {
				var list []any
				for _, a := range alts {
					list = append(list, ss.schemaOf(reflect.TypeOf(a)))
				}
				schema = map[string]any{"oneOf": list}
			} else {
				schema = ss.schemaOf(reflect.TypeOf(rt.Resp))
			}
			resp[strconv.Itoa(rt.Status)] = map[string]any{"description": "success", "content": map[string]any{
				"application/json": map[string]any{"schema": schema}}}
		}
		op["responses"] = resp
		if rt.Public {
			op["security"] = []any{}
		}
		item, _ := paths[rt.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.Path] = item
		}
		item[strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "Anbao API", "version": anbao.Version,
			"description": "Anbao cyber-insurance service platform. Money is in integer fen (CNY cents); times are UTC. Errors are {code, message} with the message in the caller's language (Accept-Language or ?lang=zh-CN|en)."},
		"servers": []any{map[string]any{"url": "/"}},
		"paths":   paths,
		"components": map[string]any{
			"schemas": ss.defs,
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer", "description": "API token (anb_…) from the account page"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie, "description": "browser session; writes need the X-CSRF-Token header"},
			},
		},
		"security": []any{map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}}},
	}
}

func (s *Server) serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.openAPI())
}
