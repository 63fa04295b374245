import { type DurationPart, durationUnits } from "../duration.ts";
import { useT } from "../i18n.tsx";
import { unitWord } from "../words.ts";

/**
 * A duration as a number and a unit ("15" "jours"), each with its own label: people say durations so, and the
 * form writes the ISO 8601 the API takes (duration.ts) rather than asking for it.
 */
export function DurationField({
  id,
  legend,
  value,
  onValue,
}: {
  id: string;
  legend: string;
  value: DurationPart;
  onValue: (value: DurationPart) => void;
}) {
  const t = useT();
  return (
    <fieldset>
      <legend>{legend}</legend>
      <div className="row">
        <input
          id={`${id}-amount`}
          aria-label={t("duration.amount", { what: legend })}
          type="number"
          min={1}
          step={1}
          required
          value={value.amount}
          onChange={(event) => onValue({ ...value, amount: Number(event.target.value) })}
        />
        <select
          id={`${id}-unit`}
          aria-label={t("duration.unit", { what: legend })}
          value={value.unit}
          onChange={(event) => onValue({ ...value, unit: event.target.value as DurationPart["unit"] })}
        >
          {durationUnits.map((unit) => (
            <option key={unit} value={unit}>
              {unitWord(t, unit, value.amount)}
            </option>
          ))}
        </select>
      </div>
    </fieldset>
  );
}
