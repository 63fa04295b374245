import { Link } from "wouter";
import { api } from "../api.ts";
import { Show, useLoad } from "../components/common.tsx";
import { DataTable } from "../components/data-table.tsx";
import { useT } from "../i18n.tsx";
import type { Order } from "../types.ts";
import { measureWord } from "../words.ts";

export function OrdersPage() {
  const t = useT();
  const [loaded] = useLoad((signal) => api<{ orders: Order[] }>("/orders", { signal }), []);
  return (
    <>
      <h1>{t("orders.title")}</h1>
      <Show loaded={loaded}>
        {({ orders }) =>
          orders.length === 0 ? (
            <p>{t("orders.none")}</p>
          ) : (
            <div className="table-scroll">
              <DataTable
                caption={t("orders.title")}
                columns={[
                  t("order.case"),
                  t("order.authority"),
                  t("order.measures"),
                  t("order.validUntil"),
                  t("order.entries"),
                ]}
              >
                {orders.map((order) => (
                  <tr key={order.id}>
                    <td>
                      <Link href={`/portal/orders/${order.id}`}>{order.caseNumber}</Link>
                    </td>
                    <td>{order.authority}</td>
                    <td>{order.measures.map((measure) => measureWord(t, measure)).join(", ")}</td>
                    <td>{t.date(order.validUntil)}</td>
                    <td>{activeCount(order)}</td>
                  </tr>
                ))}
              </DataTable>
            </div>
          )
        }
      </Show>
    </>
  );
}

export function activeCount(order: Order): number {
  return typeof order.targets === "object" && order.targets ? (order.targets.active ?? 0) : 0;
}
