type Theme = 'light' | 'dark';

const KEY = 'aitrace-theme';

function storedTheme(): Theme | undefined {
  try {
    const value = localStorage.getItem(KEY);
    return value === 'light' || value === 'dark' ? value : undefined;
  } catch {
    return undefined;
  }
}

function storeTheme(theme: Theme): void {
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    // Storage can be disabled (some file:// setups); the choice then lasts for this page only.
  }
}

/**
 * Follows the system's light or dark preference until the button picks one; the choice is remembered. The
 * theme is the `data-theme` attribute of the root element, which the stylesheet keys its colours on.
 */
export function setupThemeToggle(button: HTMLButtonElement): void {
  const media = matchMedia('(prefers-color-scheme: dark)');
  const root = document.documentElement;
  const effective = (): Theme => (root.dataset.theme === 'light' || root.dataset.theme === 'dark' ? root.dataset.theme : media.matches ? 'dark' : 'light');
  const label = (): void => {
    const next = effective() === 'dark' ? 'light' : 'dark';
    button.textContent = next === 'dark' ? '☾' : '☀';
    button.title = `Switch to the ${next} theme`;
    button.setAttribute('aria-label', button.title);
  };
  const chosen = storedTheme();
  if (chosen !== undefined) root.dataset.theme = chosen;
  label();
  button.addEventListener('click', () => {
    const next: Theme = effective() === 'dark' ? 'light' : 'dark';
    root.dataset.theme = next;
    storeTheme(next);
    label();
  });
  media.addEventListener('change', label);
}
