// html is htm bound to Preact's h: tagged templates instead of JSX, so there is no
// build step. Every view imports html, hooks and render helpers from here.
import { h, render, Fragment } from '../vendor/preact/preact.module.js';
import { useState, useEffect, useRef, useMemo, useCallback } from '../vendor/preact/hooks.module.js';
import htm from '../vendor/htm/htm.module.js';

export const html = htm.bind(h);
export { h, render, Fragment, useState, useEffect, useRef, useMemo, useCallback };
