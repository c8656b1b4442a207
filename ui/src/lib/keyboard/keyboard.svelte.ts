// Which field the on-screen keyboard types into. A field opts in by being a text input; numeric
// fields (inputmode numeric/tel) get the number pad.
class KeyboardState {
  target: HTMLInputElement | null = $state(null);
}

export const keyboard = new KeyboardState();

/** Sets the field's text the way typing would, so `bind:value` and input handlers see it. */
export function write(input: HTMLInputElement, value: string) {
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

export function isNumeric(input: HTMLInputElement): boolean {
  return input.inputMode === 'numeric' || input.inputMode === 'tel';
}
