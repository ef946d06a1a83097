package store

import "sort"

// AdminEmails returns the e-mail addresses of organization orgID's admins and owners, in
// join order: who is told about the organization's probe locations (SPEC §8).
func (t *AlertTx) AdminEmails(orgID string) ([]string, error) {
	b, err := orgSub(t.tx, orgID, subMembers)
	if err != nil {
		return nil, err
	}
	members, err := listJSON[Membership](b)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(members, func(i, j int) bool { return members[i].JoinedAt.Before(members[j].JoinedAt) })
	var out []string
	for _, m := range members {
		if m.Role != "admin" && m.Role != "owner" {
			continue
		}
		var u User
		if err := getUser(t.tx, m.UserID, &u); err != nil {
			continue // a user deleted while still listed: nobody to tell
		}
		out = append(out, u.Email)
	}
	return out, nil
}
