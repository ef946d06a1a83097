package api

import (
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// maxAlertDeliveries bounds the delivery attempts one alert's timeline shows (a flapping
// alert re-notified for days is summed up by its newest attempts).
const maxAlertDeliveries = 200

// alertDeliveryView is one delivery attempt of a notification about an alert, with its
// destination named: the alert's timeline says notified "Ops Slack" (delivered).
type alertDeliveryView struct {
	deliveryLogView
	Kind       string `json:"kind"` // channel or email
	TargetID   string `json:"target_id"`
	TargetName string `json:"target_name"`
}

// deliveries answers GET /alerts/{id}/deliveries: every logged attempt to notify someone
// about the alert, oldest first, so the alert page can tell its story (fired → notified →
// acknowledged → resolved).
func (h *alertHandlers) deliveries(c *gin.Context) error {
	al, err := h.alerts().one(c)
	if err != nil {
		return err
	}
	logs, _, err := h.store.Deliveries(al.OrgID, store.DeliveryFilter{AlertID: al.ID, Since: al.FiredAt, Limit: maxAlertDeliveries})
	if err != nil {
		return err
	}
	slices.Reverse(logs)
	names := map[string]string{}
	out := make([]alertDeliveryView, 0, len(logs))
	for i := range logs {
		l := &logs[i]
		v := alertDeliveryView{deliveryLogView: newDeliveryLogView(l), Kind: l.Kind, TargetID: l.TargetID, TargetName: l.TargetID}
		if l.Kind == store.OutboxKindChannel {
			name, ok := names[l.TargetID]
			if !ok {
				name = "a deleted channel"
				if ch, err := h.store.Channel(al.OrgID, l.TargetID); err == nil {
					name = ch.Name
				}
				names[l.TargetID] = name
			}
			v.TargetName = name
		}
		out = append(out, v)
	}
	c.JSON(http.StatusOK, out)
	return nil
}
