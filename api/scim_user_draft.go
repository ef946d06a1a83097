package api

import (
	"encoding/json"
	"strings"

	"github.com/alertifypro/alertifypro/store"
)

// scimUserDraft is a SCIM user being written (POST, PUT, PATCH): the attributes this
// server keeps, before they are checked and stored. Attributes of the core schema that it
// does not keep (title, phone numbers, addresses, the enterprise extension, ...) are
// accepted and ignored, because identity providers send them by default; anything else
// is refused.
type scimUserDraft struct {
	userName, externalID, displayName, givenName, familyName string
	active                                                   bool
}

// scimIgnoredUserAttrs are core User attributes accepted but not kept (RFC 7643 §4.1).
var scimIgnoredUserAttrs = map[string]bool{
	"nickname": true, "profileurl": true, "title": true, "usertype": true, "preferredlanguage": true,
	"locale": true, "timezone": true, "password": true, "phonenumbers": true, "ims": true,
	"photos": true, "addresses": true, "entitlements": true, "roles": true, "x509certificates": true,
}

// draftOf is the draft of a stored SCIM user.
func draftOf(a *store.SCIMAccount) scimUserDraft {
	return scimUserDraft{userName: a.User.Email, externalID: a.SCIM.ExternalID, displayName: a.User.FullName,
		givenName: a.SCIM.GivenName, familyName: a.SCIM.FamilyName, active: a.SCIM.Active}
}

// setFromObject applies every attribute of a JSON object, as a POST or PUT body or a
// PATCH value without path carries them (keys may be paths: "name.givenName").
func (d *scimUserDraft) setFromObject(obj map[string]any) error {
	for k, v := range obj {
		switch strings.ToLower(k) {
		case "schemas", "id", "meta", "groups":
			continue // read-only or not ours; a full representation carries them
		}
		if strings.EqualFold(k, scimEnterpriseNS) {
			continue
		}
		path, err := parseAttrName(k, "invalidPath")
		if err != nil {
			return err
		}
		if err := d.set(path, v); err != nil {
			return err
		}
	}
	return nil
}

// set applies one attribute (add or replace).
func (d *scimUserDraft) set(p scimPath, v any) error {
	if scimIgnoredUserAttrs[p.attr] || strings.HasPrefix(p.attr, strings.ToLower(scimEnterpriseNS)) {
		return nil
	}
	switch p.attr {
	case "username":
		return setString(&d.userName, "userName", v, p)
	case "externalid":
		return setString(&d.externalID, "externalId", v, p)
	case "displayname":
		return setString(&d.displayName, "displayName", v, p)
	case "active":
		if p.sub != "" || p.where != nil {
			return scimBad("invalidPath", "active has no sub-attributes.")
		}
		b, err := scimBool(v)
		d.active = b
		return err
	case "name":
		return d.setName(p, v)
	case "emails":
		// The account has one address, its userName; emails mirror it. Values are
		// checked for shape so a wrong type is still refused.
		return checkEmailsValue(p, v)
	case "id", "meta", "schemas", "groups":
		return &scimError{Status: 400, ScimType: "mutability", Detail: p.attr + " is read-only."}
	}
	return scimBad("invalidPath", "Unknown attribute "+p.String()+" of a User.")
}

// setName applies name or name.<sub>.
func (d *scimUserDraft) setName(p scimPath, v any) error {
	if p.where != nil {
		return scimBad("invalidPath", "name is not multi-valued.")
	}
	if p.sub == "" {
		obj, ok := v.(map[string]any)
		if !ok {
			return scimBad("invalidValue", "name must be an object.")
		}
		for k, sv := range obj {
			if err := d.setName(scimPath{attr: "name", sub: strings.ToLower(k)}, sv); err != nil {
				return err
			}
		}
		return nil
	}
	switch p.sub {
	case "givenname":
		return setString(&d.givenName, "name.givenName", v, p)
	case "familyname":
		return setString(&d.familyName, "name.familyName", v, p)
	case "formatted", "middlename", "honorificprefix", "honorificsuffix":
		return nil
	}
	return scimBad("invalidPath", "Unknown attribute name."+p.sub+" of a User.")
}

// remove clears one attribute (PATCH remove).
func (d *scimUserDraft) remove(p scimPath) error {
	switch {
	case p.attr == "username" || p.attr == "active":
		return &scimError{Status: 400, ScimType: "mutability", Detail: p.attr + " is required and cannot be removed."}
	case p.attr == "emails" || scimIgnoredUserAttrs[p.attr] || strings.HasPrefix(p.attr, strings.ToLower(scimEnterpriseNS)):
		return nil
	}
	return d.set(p, "")
}

// setString stores a string value; SCIM sends null to clear.
func setString(dst *string, name string, v any, p scimPath) error {
	if p.where != nil || (p.sub != "" && p.attr != "name") {
		return scimBad("invalidPath", name+" has no sub-attributes.")
	}
	switch s := v.(type) {
	case string:
		*dst = strings.TrimSpace(s)
	case nil:
		*dst = ""
	default:
		return scimBad("invalidValue", name+" must be a string.")
	}
	return nil
}

// scimBool reads a boolean as identity providers send it: true or false, or (Microsoft
// Entra ID) the strings "True" and "False".
func scimBool(v any) (bool, error) {
	switch b := v.(type) {
	case bool:
		return b, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(b)) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
	}
	return false, scimBad("invalidValue", "active must be true or false.")
}

// checkEmailsValue refuses an emails value of the wrong shape.
func checkEmailsValue(p scimPath, v any) error {
	if p.sub != "" {
		if _, ok := v.(string); !ok && v != nil {
			return scimBad("invalidValue", "emails."+p.sub+" must be a string.")
		}
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		list = []any{v}
	}
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return scimBad("invalidValue", "emails must be a list of objects.")
		}
		if val := lookupFold(m, "value"); val != nil {
			if _, ok := val.(string); !ok {
				return scimBad("invalidValue", "emails[].value must be a string.")
			}
		}
	}
	return nil
}

// decodeObject turns raw JSON into an object; a SCIM 400 when it is not one.
func decodeObject(raw []byte) (map[string]any, error) {
	var obj map[string]any
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return nil, scimBad("invalidSyntax", "The body must be a JSON object.")
	}
	return obj, nil
}

// finish checks the draft and writes it into a; an empty display name is made from the
// name parts, else from the address.
func (d *scimUserDraft) finish(a *store.SCIMAccount) error {
	f := fieldErrors{}
	email := f.email("userName", d.userName)
	if f.err() != nil {
		return scimBad("invalidValue", "userName must be the user's e-mail address.")
	}
	full := d.displayName
	if full == "" {
		full = strings.TrimSpace(d.givenName + " " + d.familyName)
	}
	if full == "" {
		full, _, _ = strings.Cut(email, "@")
	}
	full = f.name("displayName", full, true, maxNameLen)
	f.name("externalId", d.externalID, false, maxNameLen)
	f.name("name.givenName", d.givenName, false, maxNameLen)
	f.name("name.familyName", d.familyName, false, maxNameLen)
	for field, problem := range f {
		return scimBad("invalidValue", field+" "+problem+".")
	}
	a.User.Email, a.User.FullName = email, full
	a.SCIM.ExternalID, a.SCIM.GivenName, a.SCIM.FamilyName, a.SCIM.Active = d.externalID, d.givenName, d.familyName, d.active
	return nil
}
