package api

import (
	"encoding/json"

	"github.com/alertifypro/alertifypro/store"
)

// incidentTemplateItem is a rule's create_status_page_incident in a configuration
// document: the status page and the component by name (a component's name is unique on
// its page for this purpose; the first match wins), and the incident severity.
type incidentTemplateItem struct {
	StatusPage string `json:"status_page"`
	Component  string `json:"component"`
	Severity   string `json:"severity"`
}

// newIncidentTemplateItem renders a rule's template by name; nil when the rule opens no
// incidents. Page and component IDs are named through name (loadNames indexes both).
func newIncidentTemplateItem(v *incidentTemplateView, name nameFunc) *incidentTemplateItem {
	if v == nil {
		return nil
	}
	return &incidentTemplateItem{StatusPage: name(v.StatusPageID), Component: name(v.ComponentID), Severity: v.Severity}
}

// pageIndex is what import knows of status pages, existing and planned: IDs by name key,
// and each page by ID (its components, for component names and the rule validator).
type pageIndex struct {
	ids  map[string]string
	byID map[string]*store.StatusPage
}

// add records page sp under its name; a name two existing pages share is ambiguous.
func (ix *pageIndex) add(sp *store.StatusPage, existing bool) {
	k := namekey(sp.Name)
	if _, dup := ix.ids[k]; dup && existing {
		ix.ids[k] = ambiguousID
	} else {
		ix.ids[k] = sp.ID
	}
	ix.byID[sp.ID] = sp
}

// page is the rule validator's page lookup (ruleRefs.page) over the index.
func (ix *pageIndex) page(id string) (*store.StatusPage, error) {
	if sp, ok := ix.byID[id]; ok {
		return sp, nil
	}
	return nil, store.ErrNotFound
}

// incidentTemplate resolves a rule element's create_status_page_incident into the
// request's raw value: null when absent, otherwise the object with the page's and the
// component's IDs. An unknown page or component is a problem at path.
func (p *importPlan) incidentTemplate(path string, in *incidentTemplateItem) optionalID {
	if in == nil {
		return idRef("")
	}
	field := path + ".create_status_page_incident"
	pageID := p.ref(field+".status_page", in.StatusPage, "a status page of this organization or the document", p.pages.ids)
	componentID := unresolvedID
	if sp, ok := p.pages.byID[pageID]; ok {
		for _, c := range sp.Components {
			if namekey(c.Name) == namekey(in.Component) {
				componentID = c.ID
				break
			}
		}
		if componentID == unresolvedID {
			p.f.add(field+".component", "names "+jsonQuote(in.Component)+", which is not a component of that status page")
		}
	}
	raw, _ := json.Marshal(incidentTemplateRequest{StatusPageID: pageID, ComponentID: componentID, Severity: in.Severity})
	return optionalID{set: true, raw: raw}
}

// jsonQuote quotes s as a JSON string (for messages naming user input).
func jsonQuote(s string) string {
	raw, _ := json.Marshal(s)
	return string(raw)
}
