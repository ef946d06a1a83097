package uitest

import (
	"testing"
	"time"
)

// TestServiceFormJSONPath edits the HTTP json_path assertions as rows: the API's
// 422 errors land under the path and value inputs, a valid row is stored, and the
// edit form reopens with it. Other check types do not show the inputs.
func TestServiceFormJSONPath(t *testing.T) {
	srv := startServer(t, serverOptions{})
	b := newBrowser(t, srv, 60*time.Second)
	b.signUp("Ada Lovelace", "ada@example.com", "correct horse battery")

	b.click("Add a service")
	b.waitText("Add a service")
	b.fill("name", "JSON API")
	b.fill("endpoint", "http://127.0.0.1:9/health")
	b.click("Add a JSON assertion")
	b.fill("options.json_path.0.path", "status")
	b.choose("options.json_path.0.operator", ">")
	b.fill("options.json_path.0.value", "high")
	b.click("Create service")
	b.waitFor("422 under path and value", `document.querySelector('.field.has-error [name="options.json_path.0.path"]') !== null &&
		document.querySelector('.field.has-error [name="options.json_path.0.value"]') !== null`, 10*time.Second)
	b.screenshot("json-path-errors")
	b.fill("options.json_path.0.path", "$.status")
	b.choose("options.json_path.0.operator", "==")
	b.fill("options.json_path.0.value", "ok")
	b.click("Create service")
	b.waitText("Response time")
	id := evalJS[string](b, `location.pathname.split('/')[2]`)
	b.open("/services/" + id + "/edit")
	b.waitFor("the stored assertion", `(() => { const q = (n) => document.querySelector('[name="options.json_path.0.' + n + '"]');
		return q('path') !== null && q('path').value === '$.status' && q('operator').value === '==' && q('value').value === 'ok'; })()`, 10*time.Second)
	b.choose("check_type", "TCP")
	b.waitFor("no json_path for TCP", `document.querySelector('[name^="options.json_path"]') === null && !document.body.innerText.includes('Add a JSON assertion')`, 5*time.Second)
}
