/*
 * Keyed sandbox: a stand-in for Stripe.js (https://js.stripe.com/v3/) served by the
 * offline Stripe emulator. It defines window.Stripe synchronously, with the parts of the
 * API that @stripe/stripe-js and @stripe/react-stripe-js use. As with real Elements, the
 * card inputs live in an iframe on the sandbox's own origin: this page never sees the
 * card number or CVC. The iframe creates the PaymentMethod itself and hands back only
 * the result, over postMessage with checked origins.
 */
(function () {
  'use strict';
  if (window.Stripe && window.Stripe.__keyedSandbox) return;

  var script = document.currentScript;
  var ORIGIN = script && script.src ? new URL(script.src, window.location.href).origin : window.location.origin;
  var FRAME_URL = ORIGIN + '/v3/elements-inner-card.html';
  var API = ORIGIN + '/v1';
  var MSG = '__keyedSandboxStripe';
  var frameCounter = 0;
  var framesById = {};

  function integrationError(message) {
    var error = new Error(message);
    error.name = 'IntegrationError';
    return error;
  }

  function randomSuffix() {
    return Math.random().toString(36).slice(2, 10);
  }

  function formEncode(value, prefix, pairs) {
    pairs = pairs || [];
    if (value === undefined || value === null) return pairs;
    if (Array.isArray(value)) {
      value.forEach(function (item, i) {
        formEncode(item, prefix + '[' + i + ']', pairs);
      });
    } else if (typeof value === 'object') {
      Object.keys(value).forEach(function (key) {
        formEncode(value[key], prefix ? prefix + '[' + key + ']' : key, pairs);
      });
    } else {
      pairs.push(encodeURIComponent(prefix) + '=' + encodeURIComponent(String(value)));
    }
    return pairs;
  }

  function apiRequest(key, method, path, params) {
    var body = params ? formEncode(params, '').join('&') : '';
    var url = API + path + (method === 'GET' && body ? '?' + body : '');
    return fetch(url, {
      method: method,
      headers: {
        Authorization: 'Bearer ' + key,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: method === 'GET' ? undefined : body,
    }).then(
      function (res) {
        return res.json().then(function (json) {
          return { ok: res.ok, json: json };
        });
      },
      function () {
        return {
          ok: false,
          json: {
            error: {
              type: 'api_connection_error',
              message: 'Could not connect to the Stripe sandbox at ' + ORIGIN + '.',
            },
          },
        };
      },
    );
  }

  var CHALLENGE_MSG = '__keyedSandbox3ds';
  // Stripe.js's own wording for a failed authentication (the intent's last_payment_error says it for the server).
  var AUTHENTICATION_FAILED = 'We are unable to authenticate your payment method. Please choose a different payment method and try again.';

  function authenticationFailure(intent) {
    var last = intent.last_payment_error || {};
    var error = {
      type: 'invalid_request_error',
      code: 'payment_intent_authentication_failure',
      doc_url: last.doc_url || 'https://docs.stripe.com/error-codes/payment-intent-authentication-failure',
      message: AUTHENTICATION_FAILED,
      payment_intent: intent,
    };
    if (last.payment_method) error.payment_method = last.payment_method;
    return { error: error };
  }

  /** What confirmCardPayment and friends resolve with once no action is left: the intent, or its error. */
  function intentOutcome(intent) {
    if (intent.status === 'requires_payment_method' && intent.last_payment_error) {
      if (intent.last_payment_error.code === 'payment_intent_authentication_failure') return authenticationFailure(intent);
      return { error: Object.assign({}, intent.last_payment_error, { payment_intent: intent }) };
    }
    if (intent.status === 'requires_action') return authenticationFailure(intent);
    return { paymentIntent: intent };
  }

  /*
   * The issuer's challenge over the page, like Stripe.js's modal: an iframe on the sandbox's origin with
   * the 3D Secure test page. It resolves when that page (checked by origin and window) says it is done.
   */
  function runChallenge(url) {
    return new Promise(function (resolve) {
      var overlay = document.createElement('div');
      overlay.setAttribute('role', 'dialog');
      overlay.setAttribute('aria-modal', 'true');
      overlay.setAttribute('aria-label', '3D Secure authentication');
      overlay.style.cssText =
        'position:fixed;top:0;left:0;right:0;bottom:0;z-index:2147483647;background:rgba(0,0,0,0.5);display:flex;align-items:center;justify-content:center;';
      var frame = document.createElement('iframe');
      frame.id = 'challengeFrame';
      frame.name = '__privateStripeChallengeFrame' + randomSuffix();
      frame.title = '3D Secure authentication';
      frame.setAttribute('frameborder', '0');
      frame.style.cssText = 'border:none;background:#fff;border-radius:6px;width:500px;max-width:calc(100vw - 2em);height:600px;max-height:calc(100vh - 2em);';
      frame.src = url + '#origin=' + encodeURIComponent(window.location.origin);
      function onMessage(event) {
        if (event.origin !== ORIGIN || event.source !== frame.contentWindow) return;
        var data = event.data;
        if (!data || data[CHALLENGE_MSG] !== true || data.type !== 'complete') return;
        window.removeEventListener('message', onMessage);
        if (overlay.parentNode) overlay.parentNode.removeChild(overlay);
        resolve();
      }
      window.addEventListener('message', onMessage);
      overlay.appendChild(frame);
      document.body.appendChild(overlay);
    });
  }

  function retrieveIntent(key, clientSecret) {
    return apiRequest(key, 'GET', '/payment_intents/' + intentIdFromSecret(clientSecret), { client_secret: clientSecret });
  }

  /** Performs the intent's next action (the challenge, or a redirect) and returns what Stripe.js would. */
  function handleActions(key, intent, clientSecret) {
    var action = intent.status === 'requires_action' ? intent.next_action : null;
    if (!action) return Promise.resolve(intentOutcome(intent));
    if (action.type === 'redirect_to_url' && action.redirect_to_url && action.redirect_to_url.url) {
      window.location.assign(action.redirect_to_url.url);
      return new Promise(function () {});
    }
    var sdk = action.type === 'use_stripe_sdk' ? action.use_stripe_sdk : null;
    if (!sdk || typeof sdk.stripe_js !== 'string' || sdk.stripe_js.indexOf(ORIGIN + '/') !== 0) {
      return Promise.resolve(authenticationFailure(intent));
    }
    return runChallenge(sdk.stripe_js)
      .then(function () {
        return retrieveIntent(key, clientSecret);
      })
      .then(function (r) {
        return r.ok ? intentOutcome(r.json) : { error: r.json.error };
      });
  }

  /** confirm…'s answer ({ intent } or { error }) taken through the next action unless the caller handles it. */
  function afterConfirm(key, clientSecret, confirmed, options) {
    if (confirmed.error) return { error: confirmed.error };
    if (options && options.handleActions === false) return { paymentIntent: confirmed.intent };
    return handleActions(key, confirmed.intent, clientSecret);
  }

  function intentIdFromSecret(clientSecret) {
    if (typeof clientSecret !== 'string' || clientSecret.indexOf('_secret_') < 0) {
      throw integrationError('Invalid value for clientSecret: expected a PaymentIntent client secret.');
    }
    return clientSecret.split('_secret_')[0];
  }

  window.addEventListener('message', function (event) {
    if (event.origin !== ORIGIN) return;
    var data = event.data;
    if (!data || data[MSG] !== true || typeof data.frameId !== 'string') return;
    var element = framesById[data.frameId];
    if (!element || !element._iframe || event.source !== element._iframe.contentWindow) return;
    element._receive(data);
  });

  function createCardElement(group, key, options) {
    var frameId = '__privateStripeFrame' + ++frameCounter + randomSuffix();
    var listeners = {};
    var iframe = null;
    var wrapper = null;
    var mountNode = null;
    var ready = false;
    var queue = [];
    var pending = {};
    var requestCounter = 0;
    var destroyed = false;
    var opts = Object.assign({}, options || {});

    function emit(type, payload) {
      (listeners[type] || []).slice().forEach(function (fn) {
        try {
          fn(payload);
        } catch (error) {
          setTimeout(function () {
            throw error;
          });
        }
      });
    }

    function send(message) {
      message[MSG] = true;
      if (ready && iframe && iframe.contentWindow) iframe.contentWindow.postMessage(message, ORIGIN);
      else queue.push(message);
    }

    function setClass(name, on) {
      if (mountNode) mountNode.classList.toggle('StripeElement--' + name, !!on);
    }

    var element = {
      elementType: 'card',
      _isKeyedSandboxCard: true,
      get _iframe() {
        return iframe;
      },
      mount: function (target) {
        if (destroyed) throw integrationError('This Element has already been destroyed. Please create a new one.');
        var node = typeof target === 'string' ? document.querySelector(target) : target;
        if (!node || node.nodeType !== 1) {
          throw integrationError('Invalid DOM element. Make sure to call mount() with a valid DOM element or selector.');
        }
        if (iframe) element.unmount();
        mountNode = node;
        mountNode.classList.add('StripeElement', 'StripeElement--empty');
        wrapper = document.createElement('div');
        wrapper.className = '__PrivateStripeElement';
        wrapper.style.cssText = 'margin:0;padding:0;border:none;display:block;background:transparent;position:relative;opacity:1;';
        iframe = document.createElement('iframe');
        iframe.name = frameId;
        iframe.title = 'Secure card payment input frame';
        iframe.setAttribute('frameborder', '0');
        iframe.setAttribute('allowtransparency', 'true');
        iframe.setAttribute('scrolling', 'no');
        iframe.setAttribute('role', 'presentation');
        iframe.setAttribute('allow', 'payment *');
        iframe.style.cssText = 'border:none;margin:0;padding:0;width:1px;min-width:100%;overflow:hidden;display:block;user-select:none;height:24px;';
        iframe.src = FRAME_URL + '#' + encodeURIComponent(JSON.stringify({ frameId: frameId, key: key, hostOrigin: window.location.origin, options: opts }));
        ready = false;
        framesById[frameId] = element;
        wrapper.appendChild(iframe);
        mountNode.appendChild(wrapper);
      },
      unmount: function () {
        if (wrapper && wrapper.parentNode) wrapper.parentNode.removeChild(wrapper);
        if (mountNode) {
          ['', '--empty', '--complete', '--invalid', '--focus'].forEach(function (suffix) {
            mountNode.classList.remove('StripeElement' + suffix);
          });
        }
        delete framesById[frameId];
        iframe = null;
        wrapper = null;
        mountNode = null;
        ready = false;
        Object.keys(pending).forEach(function (id) {
          pending[id].reject(integrationError('The Element was unmounted before the request finished.'));
          delete pending[id];
        });
        return element;
      },
      destroy: function () {
        element.unmount();
        destroyed = true;
        listeners = {};
        group._forget(element);
      },
      on: function (type, handler) {
        (listeners[type] = listeners[type] || []).push(handler);
        return element;
      },
      once: function (type, handler) {
        function wrapped(payload) {
          element.off(type, wrapped);
          handler(payload);
        }
        return element.on(type, wrapped);
      },
      off: function (type, handler) {
        if (!handler) delete listeners[type];
        else
          listeners[type] = (listeners[type] || []).filter(function (fn) {
            return fn !== handler;
          });
        return element;
      },
      update: function (updates) {
        opts = Object.assign({}, opts, updates || {});
        send({ type: 'update', options: updates || {} });
        return element;
      },
      clear: function () {
        send({ type: 'clear' });
      },
      focus: function () {
        if (iframe) iframe.focus();
        send({ type: 'focus' });
      },
      blur: function () {
        send({ type: 'blur' });
      },
      collapse: function () {},
      _request: function (type, payload) {
        if (destroyed || !iframe) {
          return Promise.reject(
            integrationError('We could not retrieve data from the specified Element. Please make sure the Element you are attempting to use is still mounted.'),
          );
        }
        var requestId = 'req' + ++requestCounter;
        return new Promise(function (resolve, reject) {
          pending[requestId] = { resolve: resolve, reject: reject };
          send({ type: type, requestId: requestId, payload: payload });
        });
      },
      _receive: function (data) {
        switch (data.type) {
          case 'ready':
            ready = true;
            queue.splice(0).forEach(function (message) {
              iframe.contentWindow.postMessage(message, ORIGIN);
            });
            emit('ready', { elementType: 'card' });
            break;
          case 'resize':
            if (iframe && typeof data.height === 'number') iframe.style.height = data.height + 'px';
            break;
          case 'change':
            setClass('empty', data.event.empty);
            setClass('complete', data.event.complete);
            setClass('invalid', !!data.event.error);
            emit('change', data.event);
            break;
          case 'focus':
            setClass('focus', true);
            emit('focus', { elementType: 'card' });
            break;
          case 'blur':
            setClass('focus', false);
            emit('blur', { elementType: 'card' });
            break;
          case 'escape':
            emit('escape', { elementType: 'card' });
            break;
          case 'result':
            if (pending[data.requestId]) {
              pending[data.requestId].resolve(data.result);
              delete pending[data.requestId];
            }
            break;
        }
      },
    };
    return element;
  }

  function createElements(key, elementsOptions) {
    var card = null;
    var group = {
      create: function (type, options) {
        if (type !== 'card') {
          throw integrationError('The Keyed sandbox Stripe.js stand-in supports only the "card" Element, not "' + type + '".');
        }
        if (card) throw integrationError('Can only create one Element of type card.');
        // Like Stripe.js, the Elements group's locale decides the language of the card fields.
        card = createCardElement(group, key, Object.assign({ locale: (elementsOptions || {}).locale }, options || {}));
        return card;
      },
      getElement: function (typeOrComponent) {
        var type = typeof typeOrComponent === 'string' ? typeOrComponent : typeOrComponent && typeOrComponent.__elementType;
        return type === 'card' ? card : null;
      },
      update: function () {},
      fetchUpdates: function () {
        return Promise.resolve({});
      },
      submit: function () {
        return Promise.resolve({});
      },
      _forget: function (element) {
        if (card === element) card = null;
      },
      _options: elementsOptions || {},
    };
    return group;
  }

  function handleNextActionFor(key, clientSecret) {
    try {
      intentIdFromSecret(clientSecret);
    } catch (error) {
      return Promise.reject(error);
    }
    return retrieveIntent(key, clientSecret).then(function (r) {
      return r.ok ? handleActions(key, r.json, clientSecret) : { error: r.json.error };
    });
  }

  function cardElementFrom(value) {
    if (value && value._isKeyedSandboxCard) return value;
    throw integrationError('Invalid value for card: expected a mounted card Element created with elements.create("card").');
  }

  function Stripe(key, options) {
    if (typeof key !== 'string' || !/^pk_(test|live)_/.test(key)) {
      throw integrationError('Invalid value for Stripe(): apiKey should be a string starting with pk_test_ (you passed ' + typeof key + ').');
    }
    var stripe = {
      _keyedSandbox: { origin: ORIGIN, options: options || {} },
      _registerWrapper: function () {},
      registerAppInfo: function () {},
      elements: function (elementsOptions) {
        return createElements(key, elementsOptions);
      },
      /* createPaymentMethod({ type: 'card', card, billing_details }) or the legacy ('card', card, { billing_details }). */
      createPaymentMethod: function (typeOrData, maybeElement, maybeData) {
        var type;
        var element;
        var data;
        if (typeof typeOrData === 'string') {
          type = typeOrData;
          element = maybeElement;
          data = maybeData || {};
        } else {
          data = typeOrData || {};
          type = data.type;
          element = data.card || data.element;
        }
        if (type !== 'card') {
          return Promise.reject(integrationError('The Keyed sandbox Stripe.js stand-in supports only type: "card".'));
        }
        var card;
        try {
          card = cardElementFrom(element);
        } catch (error) {
          return Promise.reject(error);
        }
        return card._request('createPaymentMethod', {
          billing_details: data.billing_details,
          metadata: data.metadata,
        });
      },
      confirmCardPayment: function (clientSecret, data, options) {
        try {
          intentIdFromSecret(clientSecret);
        } catch (error) {
          return Promise.reject(error);
        }
        data = data || {};
        var method = data.payment_method;
        var extra = {};
        ['return_url', 'setup_future_usage', 'receipt_email'].forEach(function (name) {
          if (data[name] !== undefined) extra[name] = data[name];
        });
        var confirmed;
        if (method && typeof method === 'object') {
          var card;
          try {
            card = cardElementFrom(method.card);
          } catch (error) {
            return Promise.reject(error);
          }
          confirmed = card._request('confirmCardPayment', {
            clientSecret: clientSecret,
            billing_details: method.billing_details,
            params: extra,
          });
        } else {
          var params = Object.assign({ client_secret: clientSecret }, extra);
          if (typeof method === 'string') params.payment_method = method;
          confirmed = apiRequest(key, 'POST', '/payment_intents/' + intentIdFromSecret(clientSecret) + '/confirm', params).then(function (r) {
            return r.ok ? { intent: r.json } : { error: r.json.error };
          });
        }
        return confirmed.then(function (result) {
          return afterConfirm(key, clientSecret, result, options);
        });
      },
      /* For intents confirmed on the server: runs the pending challenge, then returns the intent or its error. */
      handleCardAction: function (clientSecret) {
        return handleNextActionFor(key, clientSecret);
      },
      handleNextAction: function (options) {
        return handleNextActionFor(key, options && options.clientSecret);
      },
      retrievePaymentIntent: function (clientSecret) {
        try {
          intentIdFromSecret(clientSecret);
        } catch (error) {
          return Promise.reject(error);
        }
        return retrieveIntent(key, clientSecret).then(function (r) {
          return r.ok ? { paymentIntent: r.json } : { error: r.json.error };
        });
      },
      createToken: function () {
        return Promise.resolve({
          error: {
            type: 'invalid_request_error',
            code: 'sandbox_unsupported',
            message: 'createToken is not available in the Keyed sandbox. Use createPaymentMethod instead.',
          },
        });
      },
      createSource: function () {
        return Promise.resolve({
          error: {
            type: 'invalid_request_error',
            code: 'sandbox_unsupported',
            message: 'Sources are not available in the Keyed sandbox. Use createPaymentMethod instead.',
          },
        });
      },
    };
    return stripe;
  }

  // @stripe/stripe-js 10 expects the "endive" release train; 3 would only trigger a console warning.
  Stripe.version = 'endive';
  Stripe.__keyedSandbox = true;
  window.Stripe = Stripe;
})();
