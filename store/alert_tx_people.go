package store

// MemberName returns the full name of userID if they are a member of orgID (their e-mail
// address when they have no name); ErrNotFound otherwise. Notifications name the person
// who acknowledged or resolved an alert with it, never by ID.
func (t *AlertTx) MemberName(orgID, userID string) (string, error) {
	if err := getMember(t.tx, orgID, userID, &Membership{}); err != nil {
		return "", err
	}
	var u User
	if err := getUser(t.tx, userID, &u); err != nil {
		return "", err
	}
	if u.FullName != "" {
		return u.FullName, nil
	}
	return u.Email, nil
}
